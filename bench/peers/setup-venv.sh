#!/usr/bin/env bash
# Creates one cached virtualenv per peer under ${LIBRA_PEERS_VENV:-~/.cache/libra/peers-venv}/<peer>
# from the pinned requirements-<peer>.txt beside this script. One venv each because the peers pin
# conflicting numpy/pandas versions. Idempotent: a venv whose requirements file is unchanged is
# reused. Never installs anything into the product's own tree.
set -u
here="$(cd "$(dirname "$0")" && pwd)"
root="${LIBRA_PEERS_VENV:-$HOME/.cache/libra/peers-venv}"
py="${PYTHON:-python3}"
mkdir -p "$root"
status=0
for req in "$here"/requirements-*.txt; do
  peer="$(basename "$req" .txt)"; peer="${peer#requirements-}"
  if [ "$#" -gt 0 ] && ! printf '%s\n' "$@" | grep -qx "$peer"; then continue; fi
  venv="$root/$peer"
  if [ -f "$venv/.ok" ] && cmp -s "$req" "$venv/.ok"; then echo "peers: $peer venv cached at $venv" >&2; continue; fi
  rm -rf "$venv"
  echo "peers: creating $venv" >&2
  if "$py" -m venv "$venv" && "$venv/bin/pip" install --disable-pip-version-check -q -r "$req" >"$root/$peer.log" 2>&1; then
    cp "$req" "$venv/.ok"
    "$venv/bin/pip" freeze >"$venv/freeze.txt" 2>/dev/null
    echo "peers: $peer installed" >&2
  else
    echo "peers: $peer failed to install (see $root/$peer.log)" >&2
    status=1
  fi
done
exit $status
