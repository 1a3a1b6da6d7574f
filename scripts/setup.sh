#!/usr/bin/env bash
# Set up everything frontc needs, idempotently: apt packages, a virtual environment
# in .venv with the pinned packages of requirements.lock, and frontc itself (editable).
# Quick when already done: it compares a stamp of the inputs before installing anything.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/.venv"
apt_packages=(graphviz libgomp1 libquadmath0 dataset-fashion-mnist gcc)
python="${PYTHON:-python3}"

missing=()
for pkg in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing apt packages: ${missing[*]}" >&2
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

stamp="$venv/.frontc-setup-stamp"
want="$(cat "$root/requirements.lock" "$root/setup.py" "$root/scripts/setup.sh" | sha256sum | cut -d' ' -f1) $("$python" -V 2>&1)"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x "$venv/bin/frontc" ]; then
  exit 0
fi
echo "setup: creating the virtual environment in $venv (about 2 minutes the first time)" >&2
[ -x "$venv/bin/python" ] || "$python" -m venv "$venv"
pip_install() {
  # pip warns about every local index folder that lacks a package: keep the rest of its messages
  "$venv/bin/python" -m pip install -q --disable-pip-version-check "$@" 2> >(grep -v "is ignored: it is neither" >&2)
}
pip_install --upgrade pip
pip_install -r "$root/requirements.lock"
pip_install --no-deps foolbox==3.3.4
pip_install --no-deps --no-build-isolation -e "$root"
echo "$want" > "$stamp"
echo "setup: done" >&2
