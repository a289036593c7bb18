# Shared by scripts/run and scripts/test (sourced, not run): a virtual
# environment with the pinned requirements, reinstalled only when they change.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PYTHON="${PYTHON:-python3}"
VENV="$ROOT/.venv"

ensure_venv() {  # ensure_venv requirements-file
  local req="$1" stamp="$VENV/.installed-$(basename "$1")"
  if [ ! -x "$VENV/bin/python" ]; then
    echo "Creating a virtual environment in .venv …"
    "$PYTHON" -m venv "$VENV"
  fi
  local want; want="$(cat requirements*.txt | sha256sum | cut -d' ' -f1)"
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    echo "Installing $req …"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check -r "$req"
    echo "$want" > "$stamp"
  fi
}

compile_catalogues() {
  local out
  if ! out="$("$VENV/bin/pybabel" compile -d translations 2>&1)"; then
    echo "$out" >&2; return 1
  fi
}

check_cjk_font() {
  # The kiosk's Chinese must render on the terminal itself.
  if command -v fc-list >/dev/null && ! fc-list :lang=zh | grep -q .; then
    echo "WARNING: no Chinese font is installed; Chinese text will show as boxes."
    echo "         On Debian: apt-get install fonts-noto-cjk"
  fi
  # The PDFs (posters, the morning sheet, PIN slips) embed Noto Sans CJK itself
  # (kiosk/pdf.py says where it looks), not just any Chinese font.
  if ! "$VENV/bin/python" -c 'from kiosk import pdf; pdf.find_font("regular"); pdf.find_font("bold")' 2>/dev/null; then
    echo "WARNING: Noto Sans CJK (NotoSansCJK-Regular.ttc, NotoSansCJK-Bold.ttc) is missing:"
    echo "         posters, the morning sheet and PIN slips cannot be made as PDF."
    echo "         On Debian: apt-get install fonts-noto-cjk"
  fi
}

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "Need root for: $*" >&2; return 1; fi
}

ensure_debian_packages() {  # ensure_debian_packages pkg…
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "Installing Debian packages: ${missing[*]} …"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

AXE_CORE_VERSION=4.14.1   # tests/browser/conftest.py names the same version
ensure_axe_core() {
  # axe-core for the browser tests' accessibility checks, from the npm registry into
  # .cache/npm (ignored by git); never a CDN. Reinstalled only when the version changes.
  local dir="$ROOT/.cache/npm" pkg="$ROOT/.cache/npm/node_modules/axe-core/package.json"
  if [ -f "$pkg" ] && grep -q "\"version\": \"$AXE_CORE_VERSION\"" "$pkg"; then return 0; fi
  command -v npm >/dev/null || ensure_debian_packages npm
  echo "Installing axe-core $AXE_CORE_VERSION with npm …"
  mkdir -p "$dir"
  npm install --prefix "$dir" --no-save --no-package-lock --no-audit --no-fund --loglevel=error \
    "axe-core@$AXE_CORE_VERSION" >/dev/null
}

ensure_postgres() {
  # The central server's tests run against a real PostgreSQL (never skipped).
  export PG_TEST_URL="${PG_TEST_URL:-postgresql://postgres@127.0.0.1:5432/test}"
  local hostport="${PG_TEST_URL#*@}"; hostport="${hostport%%/*}"
  local host="${hostport%%:*}" port="${hostport##*:}"
  [ "$port" = "$hostport" ] && port=5432
  if command -v pg_isready >/dev/null && pg_isready -q -h "$host" -p "$port"; then return 0; fi
  if [ -d /etc/postgresql ] && command -v pg_ctlcluster >/dev/null; then
    echo "Starting the local PostgreSQL cluster …"
    for version in $(ls /etc/postgresql); do
      as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
    done
    for _ in $(seq 1 30); do pg_isready -q -h "$host" -p "$port" && return 0; sleep 1; done
  fi
  cat >&2 <<MSG
The central-server tests need PostgreSQL at $PG_TEST_URL (trust or password in the URL).
  On Debian:  apt-get install postgresql   (then run scripts/test again)
  Elsewhere:  PG_TEST_URL=postgresql://user:password@host:port/db scripts/test
MSG
  return 1
}
