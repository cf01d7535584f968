#!/usr/bin/env python3
"""Rebuilds the label fonts in this folder from Debian's fonts-noto-cjk.

    apt-get install fonts-noto-cjk && pip install fonttools
    python3 crates/yima-label/fonts/make-subset.py

Characters kept: printable ASCII; GB2312 rows 1-9 (punctuation, full-width forms, symbols,
Greek, Cyrillic) and rows 16-87 (the 6763 level-1 and level-2 hanzi); a few extra symbols
used on labels; and every character of the national catalogue (so every catalogue name
renders), read from ../shared/data/catalogue when it is there.
"""
import pathlib
import subprocess
import sys

HERE = pathlib.Path(__file__).resolve().parent
REGULAR = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
BOLD = "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"
# The bold face only sets the title, the field captions and the hazard names (fixed text in
# crates/yima-label/src); a test checks every character of them is in it.
BOLD_TEXT = (
    "危险废物名称类别代码形态特性主要成分有害注意事项数字识别码产生收集单位联系人方式日期重量备注"
    "毒腐蚀易燃反应感染/：:（）() HAZARDOUSWASTE"
)
SC_INDEX = 2  # "Noto Sans CJK SC" inside the collections


def gb2312_chars():
    out = []
    for row in list(range(1, 10)) + list(range(16, 88)):
        for cell in range(1, 95):
            try:
                out.append(bytes([0xA0 + row, 0xA0 + cell]).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return out


def chars():
    keep = set(chr(c) for c in range(0x20, 0x7F))
    keep.update(gb2312_chars())
    keep.update("–—‘’“”…·•℃×÷±≤≥°µμ²³‰№①②③④⑤、。，：；！？（）【】《》「」／－＋％")
    catalogue = HERE.parents[2] / ".." / "shared" / "data" / "catalogue"
    for csv in sorted(catalogue.glob("*.csv")):
        keep.update(c for c in csv.read_text(encoding="utf-8") if c >= " ")
    return "".join(sorted(keep))


def main():
    regular = chars()
    bold = "".join(sorted(set(BOLD_TEXT) | set(chr(c) for c in range(0x20, 0x7F))))
    jobs = [
        ("NotoSansCJKsc-Regular-subset.otf", REGULAR, regular),
        ("NotoSansCJKsc-Bold-subset.otf", BOLD, bold),
    ]
    for out, src, text in jobs:
        chars_file = HERE / "subset-chars.txt"
        chars_file.write_text(text, encoding="utf-8")
        subprocess.run(
            [
                sys.executable, "-m", "fontTools.subset", src,
                f"--font-number={SC_INDEX}",
                f"--text-file={chars_file}",
                "--layout-features=kern",
                "--name-IDs=*",
                "--notdef-outline",
                "--no-hinting",
                f"--output-file={HERE / out}",
            ],
            check=True,
        )
        chars_file.unlink()
        print(out, len(text), "characters", (HERE / out).stat().st_size, "bytes")


if __name__ == "__main__":
    main()
