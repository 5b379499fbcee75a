#!/usr/bin/env bash
# Renders the HTML report of every sample scenario in a real browser (Debian's headless chromium).
#
#   scripts/render-html-report.sh [--binary PATH] [--out DIR] [--only SUBSTRING] [--size WxH]
#
# For each scenario folder of samples/ (each is linted on its own, as samples/expected-findings.txt
# lists them), runs `rolecheck lint FOLDER --format html --fail-on never --output OUT/NAME.html`
# and has chromium load that file and write a screenshot, OUT/NAME.png. The browser runs with no
# network (every host name resolves to nothing), so a page that tried to load something would show
# it broken; the page's own Content-Security-Policy forbids it anyway.
#
#   --binary PATH   the rolecheck to run (default: build the debug binary with `swift build`)
#   --out DIR       where the pages and screenshots go (default: a new temporary folder)
#   --only TEXT     only the scenarios whose path contains TEXT (repeatable)
#   --size WxH      the browser window, and so the screenshot (default 1400x1800)
#
# Needs chromium (`apt-get install -y chromium` on Debian). Exits 1 when a page was not written
# or chromium wrote no screenshot for it. docs/html-report.md says how docs/images/html-report.png
# was made with this script.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
binary=""
out=""
size="1400,1800"
only=()
while [ $# -gt 0 ]; do
    case "$1" in
        --binary) binary="$2"; shift 2 ;;
        --out) out="$2"; shift 2 ;;
        --only) only+=("$2"); shift 2 ;;
        --size) size="${2/x/,}"; shift 2 ;;
        -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "render-html-report: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
done

browser="$(command -v chromium || command -v chromium-browser || true)"
if [ -z "$browser" ]; then
    echo "render-html-report: chromium is not installed (Debian: apt-get install -y chromium)" >&2
    exit 2
fi

if [ -z "$binary" ]; then
    (cd "$root" && swift build --product rolecheck >&2)
    binary="$(cd "$root" && swift build --show-bin-path)/rolecheck"
fi
[ -x "$binary" ] || { echo "render-html-report: $binary is not an executable" >&2; exit 2; }

if [ -z "$out" ]; then out="$(mktemp -d "${TMPDIR:-/tmp}/rolecheck-html.XXXXXX")"; fi
mkdir -p "$out"
out="$(cd "$out" && pwd)"
profile="$(mktemp -d "${TMPDIR:-/tmp}/rolecheck-chromium.XXXXXX")"
trap 'rm -rf "$profile"' EXIT

# The scenario folders: the same list the CLI test lints one by one.
scenarios=(samples/broken-input samples/security-configuration)
for d in "$root"/samples/setups/*/; do
    name="$(basename "$d")"
    if [ "$name" = broken ]; then
        for b in "$root"/samples/setups/broken/*/; do scenarios+=("samples/setups/broken/$(basename "$b")"); done
    else
        scenarios+=("samples/setups/$name")
    fi
done
scenarios+=(samples/cloudformation/same-account-jupyterlab samples/cloudformation/broken/trust-names-ec2-service
            samples/terraform/same-account-jupyterlab samples/terraform/broken/trust-names-ec2-service)

failed=0
rendered=0
cd "$root"
for s in "${scenarios[@]}"; do
    if [ ${#only[@]} -gt 0 ]; then
        keep=0
        for o in "${only[@]}"; do case "$s" in *"$o"*) keep=1 ;; esac; done
        [ $keep -eq 1 ] || continue
    fi
    name="${s#samples/}"
    name="${name//\//--}"
    html="$out/$name.html"
    png="$out/$name.png"
    rm -f "$html" "$png"
    if ! "$binary" lint "$s" --format html --fail-on never --output "$html"; then
        echo "FAIL $s: rolecheck did not write the page" >&2
        failed=1
        continue
    fi
    timeout 120 "$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run \
        --user-data-dir="$profile" --disable-background-networking --host-resolver-rules="MAP * ~NOTFOUND" \
        --screenshot="$png" --window-size="$size" "file://$html" >/dev/null 2>&1 || true
    if [ ! -s "$png" ]; then
        echo "FAIL $s: chromium wrote no screenshot" >&2
        failed=1
        continue
    fi
    printf '%-60s %8d bytes  %s\n' "$s" "$(wc -c <"$html")" "$png"
    rendered=$((rendered + 1))
done
echo "$rendered pages rendered into $out"
exit $failed
