"""PDF generation with WeasyPrint and embedded fonts that cover every Vietnamese diacritic.

``render_pdf(html)`` returns PDF bytes; ``FONT_CSS`` declares Be Vietnam Pro (from the
``fontpkg-be-vietnam-pro`` package) with DejaVu Sans as fallback, so every PDF the platform
makes embeds a font with full Vietnamese coverage (shared/DOMAIN.md, Fonts).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

DEJAVU_DIR = Path("/usr/share/fonts/truetype/dejavu")


@lru_cache(maxsize=1)
def be_vietnam_pro_dir() -> Path | None:
    """The folder of the Be Vietnam Pro font files, or None without the package."""
    try:
        # Imported here: the font package is optional (DejaVu Sans stands in without it).
        import fontpkg_be_vietnam_pro
    except ImportError:
        return None
    folder = Path(fontpkg_be_vietnam_pro.__file__).parent / "files"
    return folder if folder.is_dir() else None


@lru_cache(maxsize=1)
def font_css() -> str:
    """@font-face rules for the body font ``"CD Sans"`` (Be Vietnam Pro, else DejaVu Sans)."""
    rules = []
    bvp = be_vietnam_pro_dir()
    faces = []
    if bvp is not None:
        faces = [
            ("normal", 400, bvp / "BeVietnamPro-Regular.ttf"),
            ("normal", 700, bvp / "BeVietnamPro-Bold.ttf"),
            ("italic", 400, bvp / "BeVietnamPro-Italic.ttf"),
            ("italic", 700, bvp / "BeVietnamPro-BoldItalic.ttf"),
        ]
    else:
        faces = [
            ("normal", 400, DEJAVU_DIR / "DejaVuSans.ttf"),
            ("normal", 700, DEJAVU_DIR / "DejaVuSans-Bold.ttf"),
            ("italic", 400, DEJAVU_DIR / "DejaVuSans-Oblique.ttf"),
            ("italic", 700, DEJAVU_DIR / "DejaVuSans-BoldOblique.ttf"),
        ]
    for style, weight, path in faces:
        if path.exists():
            rules.append(
                f'@font-face {{ font-family: "CD Sans"; font-style: {style}; font-weight: {weight}; '
                f'src: url("{path.as_uri()}"); }}'
            )
    rules.append('body { font-family: "CD Sans", "DejaVu Sans", sans-serif; }')
    return "\n".join(rules)


def render_pdf(
    html: str, *, base_url: str | None = None, stylesheets: list[str] | None = None
) -> bytes:
    """Render ``html`` to PDF bytes with the Vietnamese-complete fonts embedded."""
    # Imported here: WeasyPrint (with its Pango/HarfBuzz bindings) takes ~0.4 s to
    # load, and most processes never render a PDF.
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    # Without a FontConfiguration WeasyPrint ignores @font-face and falls back to system fonts.
    config = FontConfiguration()
    sheets = [CSS(string=css, font_config=config) for css in [font_css(), *(stylesheets or [])]]
    return HTML(string=html, base_url=base_url).write_pdf(stylesheets=sheets, font_config=config)
