"""Rebuild the fonts invoice PDFs embed, from Debian's Noto fonts (README.md in this folder):

    apt-get install -y fonts-noto-cjk fonts-noto-core
    .venv/bin/python residents/fonts/subset.py

- ``NotoSansSC-Invoice-{Regular,Bold}.otf``: the Simplified Chinese face of Noto Sans CJK, cut
  down to what a Chinese invoice prints: ASCII, Latin-1, punctuation, currency and letter-like
  symbols, CJK punctuation, full-width forms and every character of GB2312 (its 6,763 hanzi and
  its symbols). The outlines stay CFF (fpdf2 embeds CID-keyed CFF as it is), without
  subroutines, which makes fpdf2's own subsetting of each PDF about a third quicker.
- ``NotoSans-Invoice-{Regular,Bold}.ttf``: Noto Sans for the letters the CJK face lacks (most of
  Latin Extended, e.g. Ł, ř, ş; Vietnamese; Greek; Cyrillic), which PDFs fall back to.

Needs only fontTools, which fpdf2 installs. The same sources give the same files.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection, TTFont

HERE = Path(__file__).resolve().parent
CJK = Path("/usr/share/fonts/opentype/noto")
LATIN = Path("/usr/share/fonts/truetype/noto")
CJK_FACE = "Noto Sans CJK SC"
WEIGHTS = ["Regular", "Bold"]

SYMBOLS = [
    (0x0020, 0x007E),  # ASCII
    (0x00A0, 0x00FF),  # Latin-1: £ ¥ ² · × é ü ...
    (0x2000, 0x206F),  # general punctuation: – — ‘ ’ “ ” … ‰
    (0x20A0, 0x20CF),  # currency symbols: €
    (0x2100, 0x214F),  # letter-like symbols: ℃ № ™
    (0x2190, 0x21FF),  # arrows
    (0x2200, 0x22FF),  # mathematical operators: − ≤ ≥
]
CJK_RANGES = [
    *SYMBOLS,
    (0x3000, 0x303F),  # CJK symbols and punctuation: 、 。 《 》 【 】
    (0xFF00, 0xFFEF),  # full-width forms: （ ） ， ： ￥
]
LATIN_RANGES = [
    *SYMBOLS,
    (0x0100, 0x024F),  # Latin Extended-A and -B: Łódź, Dvořák, Şişli
    (0x0300, 0x036F),  # combining diacritical marks
    (0x0370, 0x03FF),  # Greek
    (0x0400, 0x04FF),  # Cyrillic
    (0x1E00, 0x1EFF),  # Latin Extended Additional: Vietnamese
]


def gb2312_characters() -> set[str]:
    """Every character GB2312 encodes: rows 0xA1-0xF7 by columns 0xA1-0xFE, the unassigned skipped."""
    characters = set()
    for row in range(0xA1, 0xF8):
        for column in range(0xA1, 0xFF):
            try:
                characters.add(bytes([row, column]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return characters


def codepoints(ranges) -> set[int]:
    return {code for first, last in ranges for code in range(first, last + 1)}


def cut(font: TTFont, wanted: set[int], output: Path) -> None:
    options = subset.Options()
    # fpdf2 lays text out without shaping: no substitution or positioning tables, no vertical metrics.
    options.layout_features = []
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "BASE", "VORG", "vhea", "vmtx", "DSIG"]
    options.name_IDs = ["*"]  # keep the copyright, trademark and licence entries
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.hinting = False  # PDF viewers hint for themselves; saves about a tenth
    options.desubroutinize = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=wanted & set(font.getBestCmap()))
    subsetter.subset(font)
    font.recalcTimestamp = False
    font.save(str(output))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cjk", type=Path, default=CJK, help=f"where NotoSansCJK-*.ttc are ({CJK})")
    parser.add_argument("--latin", type=Path, default=LATIN, help=f"where NotoSans-*.ttf are ({LATIN})")
    parser.add_argument("--output", type=Path, default=HERE, help="the folder to write the fonts to (this one)")
    args = parser.parse_args()
    hanzi = {ord(character) for character in gb2312_characters()}
    for weight in WEIGHTS:
        collection = TTCollection(str(args.cjk / f"NotoSansCJK-{weight}.ttc"))
        face = next(font for font in collection.fonts if font["name"].getDebugName(1) == CJK_FACE)
        outputs = [args.output / f"NotoSansSC-Invoice-{weight}.otf", args.output / f"NotoSans-Invoice-{weight}.ttf"]
        cut(face, codepoints(CJK_RANGES) | hanzi, outputs[0])
        cut(TTFont(str(args.latin / f"NotoSans-{weight}.ttf")), codepoints(LATIN_RANGES), outputs[1])
        for output in outputs:
            print(f"{output}: {output.stat().st_size / 1000:,.0f} kB")


if __name__ == "__main__":
    main()
