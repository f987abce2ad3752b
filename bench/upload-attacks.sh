#!/usr/bin/env bash
# Peak memory of a running `dondoc serve` while it refuses Word files built to exhaust it:
# a .docx that declares 2^40 bytes, a 1 GB zip bomb, and one of 9 million paragraphs.
# Builds the files with Python's zipfile, signs in as the demo clerk with curl, uploads each
# to /sessions/import, and prints each answer's status and the server's peak resident memory
# (VmHWM) before and after. Loopback only.
#
#   bench/upload-attacks.sh [path/to/dondoc]     (default: target/release/dondoc)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-target/release/dondoc}
[ -x "$bin" ] || cargo build --release -p dondoc
work=$(mktemp -d)
port=18093
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT

python3 - "$work" <<'EOF'
import sys, zipfile
work = sys.argv[1]
CT = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
      '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
      '<Default Extension="xml" ContentType="application/xml"/>'
      '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>')
HEAD = b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
TAIL = b'</w:body></w:document>'

def docx(path, chunks):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", CT)
        z.writestr("_rels/.rels", RELS)
        with z.open("word/document.xml", "w", force_zip64=True) as f:
            f.write(HEAD)
            for c in chunks:
                f.write(c)
            f.write(TAIL)

run = b"<w:p><w:r><w:t>" + b"a" * 44 + b"</w:t></w:r></w:p>"
chunk = run * ((1 << 20) // len(run))
docx(f"{work}/bomb.docx", (chunk for _ in range((1 << 30) // len(chunk))))
docx(f"{work}/paragraphs.docx", (b"<w:p/>" * 1_000_000 for _ in range(9)))
# A small document whose central directory declares 2^40 bytes (in its ZIP64 field), which is
# where a zip reader takes an entry's size from.
with zipfile.ZipFile(f"{work}/lying.docx", "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("[Content_Types].xml", CT)
    z.writestr("_rels/.rels", RELS)
    z.writestr("word/document.xml", HEAD + b"<w:p><w:r><w:t>x</w:t></w:r></w:p>" + TAIL)
    z.filelist[-1].file_size = 1 << 40
EOF
ls -l "$work"/*.docx | awk '{print $5, $9}'

"$bin" --addr 127.0.0.1:$port --data-dir "$work/data" serve --demo >"$work/server.log" 2>&1 &
pid=$!
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
hwm() { awk '/VmHWM/ {print $2 / 1024 " MB"}' "/proc/$pid/status"; }
jar="$work/cookies"
csrf() { curl -s -b "$jar" -c "$jar" "http://127.0.0.1:$port$1" | grep -o 'name="_csrf" value="[0-9a-f]*"' | head -1 | cut -d'"' -f4; }
token=$(csrf /login)
curl -s -b "$jar" -c "$jar" -o /dev/null -d "_csrf=$token&login=vanthu&password=vanthu-demo" "http://127.0.0.1:$port/login"
token=$(csrf /sessions/import)
echo "server peak memory after start and sign-in: $(hwm)"
for f in lying bomb paragraphs; do
  start=$(date +%s.%N)
  code=$(curl -s -b "$jar" -o "$work/$f.html" -w '%{http_code}' -F "file=@$work/$f.docx" \
    "http://127.0.0.1:$port/sessions/import?_csrf=$token")
  end=$(date +%s.%N)
  msg=$(grep -o 'class="error"[^<]*<[^>]*>[^<]*\|Bài quá dài[^<]*\|Không đọc được[^<]*' "$work/$f.html" | head -1 || true)
  printf '%-11s %s in %.2f s  %s  peak so far %s\n' "$f" "$code" "$(echo "$end - $start" | bc)" "$msg" "$(hwm)"
done
echo "still serving: $(curl -s -o /dev/null -w '%{http_code}' -b "$jar" "http://127.0.0.1:$port/sessions")"
