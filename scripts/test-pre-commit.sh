#!/usr/bin/env bash
# Proves the `.pre-commit-hooks.yaml` hook on a repository that mixes a Terraform plan, a
# CloudFormation template, an IAM dump and Kubernetes manifests: `pre-commit try-repo` on a copy of
# examples/ must fail and name every planted problem; on the clean files alone it must pass.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$here/target}"
if ! python3 -m pre_commit --version >/dev/null 2>&1; then
  python3 -m pip install --quiet --disable-pip-version-check pre-commit 2>&1 | grep -v "as the 'root' user" || true
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export PRE_COMMIT_HOME="$work/cache"
# try-repo clones the hook repository: give it a commit holding the working tree as it is now.
hook_repo="$work/hook"
mkdir -p "$hook_repo"
git -C "$here" ls-files -z --cached --others --exclude-standard \
  | (cd "$here" && tar --null -T - -cf -) | tar -xf - -C "$hook_repo"
git -C "$hook_repo" init -q && git -C "$hook_repo" add -A \
  && git -C "$hook_repo" -c user.name=ci -c user.email=ci@example.invalid commit -qm hook

run() { # run DIR: pre-commit try-repo over every file of DIR (a fresh git repository)
  git -C "$1" init -q && git -C "$1" add -A
  (cd "$1" && python3 -m pre_commit try-repo "$hook_repo" trustlint --all-files --color never 2>&1)
}

broken="$work/broken"
cp -r "$here/examples" "$broken"
set +e
out="$(run "$broken")"
status=$?
set -e
printf '%s\n' "$out"
[ "$status" -ne 0 ] || { echo "FAIL: the hook passed a repository with planted problems"; exit 1; }
for expect in "TL501" "TL502" "TL401" "k8s/reports.yaml" "k8s/platform.yaml" "cloudformation/billing.yaml" "terraform/plan.json"; do
  grep -q -- "$expect" <<<"$out" || { echo "FAIL: hook output does not mention $expect"; exit 1; }
done

clean="$work/clean"
mkdir -p "$clean/k8s"
cp "$here/examples/trustlint.toml" "$here/examples/irsa-payments.json" "$here/examples/terraform/plan.json" "$clean/"
cp "$here/examples/k8s/payments.yaml" "$clean/k8s/"
out="$(run "$clean")" || { printf '%s\n' "$out"; echo "FAIL: the hook failed a clean repository"; exit 1; }
echo "pre-commit try-repo: planted problems found, clean repository passes"
