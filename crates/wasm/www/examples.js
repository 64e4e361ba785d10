// A few policies of corpus/shared/ (see index.jsonl there for their public sources), with one
// identity of each case's queries. Regenerate by hand when the corpus changes.
export const EXAMPLES = [
 {
  "name": "S3 CSI: wildcard in StringEquals",
  "file": "009-s3-csi-stringequals-wildcard.json",
  "policy": "{\n    \"Version\": \"2012-10-17\",\n    \"Statement\": [\n        {\n            \"Effect\": \"Allow\",\n            \"Principal\": {\n                \"Federated\": \"arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B716D3041E\"\n            },\n            \"Action\": \"sts:AssumeRoleWithWebIdentity\",\n            \"Condition\": {\n                \"StringEquals\": {\n                    \"oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B716D3041E:aud\": \"sts.amazonaws.com\",\n                    \"oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B716D3041E:sub\": \"system:serviceaccount:kube-system:s3-csi-*\"\n                }\n            }\n        }\n    ]\n}\n",
  "query": {
   "issuer": "https://oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B716D3041E",
   "sub": "system:serviceaccount:kube-system:s3-csi-driver-sa",
   "aud": "sts.amazonaws.com"
  }
 },
 {
  "name": "IRSA: one exact service account",
  "file": "027-eks-docs-s3-csi-exact-sa.json",
  "policy": "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n      \"Effect\": \"Allow\",\n      \"Principal\": {\n        \"Federated\": \"arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE\"\n      },\n      \"Action\": \"sts:AssumeRoleWithWebIdentity\",\n      \"Condition\": {\n        \"StringEquals\": {\n          \"oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:sub\": \"system:serviceaccount:kube-system:s3-csi-driver-sa\",\n          \"oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:aud\": \"sts.amazonaws.com\"\n        }\n      }\n    }\n  ]\n}\n",
  "query": {
   "issuer": "https://oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE",
   "sub": "system:serviceaccount:kube-system:s3-csi-driver-sa",
   "aud": "sts.amazonaws.com"
  }
 },
 {
  "name": "GitHub Actions: comment in JSON (invalid)",
  "file": "036-gha-stringlike-main-with-inline-comment.txt",
  "policy": "{\n    \"Version\": \"2012-10-17\",\n    \"Statement\": [\n        {\n            \"Sid\": \"\",\n            \"Effect\": \"Allow\",\n            \"Principal\": {\n                \"Federated\": \"arn:aws:iam::*******:oidc-provider/token.actions.githubusercontent.com\"\n            },\n            \"Action\": \"sts:AssumeRoleWithWebIdentity\",\n            \"Condition\": {\n                \"StringLike\": {\n                    \"token.actions.githubusercontent.com:sub\": \"repo:octo-org/octo-repo:ref:refs/heads/main\" # here\n                }\n            }\n        }\n    ]\n}\n",
  "query": {
   "issuer": "https://token.actions.githubusercontent.com",
   "sub": "repo:octo-org/octo-repo:environment:production",
   "aud": "sts.amazonaws.com"
  }
 },
 {
  "name": "Pod Identity: session-tag conditions",
  "file": "042-tf-pod-identity-requesttag-ns-sa-cluster.json",
  "policy": "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n      \"Effect\": \"Allow\",\n      \"Action\": [\n        \"sts:TagSession\",\n        \"sts:AssumeRole\"\n      ],\n      \"Principal\": {\n        \"Service\": \"pods.eks.amazonaws.com\"\n      },\n      \"Condition\": {\n        \"StringEquals\": {\n          \"aws:RequestTag/kubernetes-namespace\": \"devops-app\",\n          \"aws:RequestTag/kubernetes-service-account\": \"taskflow-backend\",\n          \"aws:RequestTag/eks-cluster-arn\": \"arn:aws:eks:us-east-1:111122223333:cluster/taskflow\"\n        }\n      }\n    }\n  ]\n}\n",
  "query": {
   "principal_service": "pods.eks.amazonaws.com",
   "actions": [
    "sts:AssumeRole",
    "sts:TagSession"
   ],
   "request_tags": {
    "kubernetes-namespace": "devops-app",
    "kubernetes-service-account": "taskflow-backend",
    "eks-cluster-arn": "arn:aws:eks:us-east-1:111122223333:cluster/taskflow"
   }
  }
 },
 {
  "name": "IRSA: any service account (risky)",
  "file": "066-tf-stringlike-any-serviceaccount-external-secrets.json",
  "policy": "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n      \"Effect\": \"Allow\",\n      \"Principal\": {\n        \"Federated\": \"arn:aws:iam::111122223333:oidc-provider/oidc.eks.ap-south-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B716D3041E\"\n      },\n      \"Action\": \"sts:AssumeRoleWithWebIdentity\",\n      \"Condition\": {\n        \"StringLike\": {\n          \"oidc.eks.ap-south-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B716D3041E:sub\": \"system:serviceaccount:*\"\n\n\n        }\n      }\n    }\n  ]\n}\n",
  "query": {
   "issuer": "https://oidc.eks.ap-south-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B716D3041E",
   "sub": "system:serviceaccount:external-secrets:external-secrets",
   "aud": "sts.amazonaws.com"
  }
 },
 {
  "name": "GitLab: subgroup wildcard",
  "file": "078-gitlab-subgroup-wildcard-any-branch.json",
  "policy": "{\n    \"Version\": \"2012-10-17\",\n    \"Statement\": [\n        {\n            \"Effect\": \"Allow\",\n            \"Principal\": {\n                \"Federated\": \"arn:aws:iam::123456789012:oidc-provider/gitlab.com\"\n            },\n            \"Action\": \"sts:AssumeRoleWithWebIdentity\",\n            \"Condition\": {\n                \"StringLike\": {\n                    \"gitlab.com:sub\": \"project_path:my-organization/my-project/*:ref_type:branch:ref:*\"\n                }\n            }\n        }\n    ]\n}\n",
  "query": {
   "issuer": "https://gitlab.com",
   "sub": "project_path:my-organization/my-project/api:ref_type:branch:ref:main",
   "aud": "https://gitlab.com"
  }
 }
];
