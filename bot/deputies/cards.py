"""代表码 cards: a printable card per deputy (PNG and PDF) with the deep-link QR code.

Text is set in Noto Sans SC (bot.fonts); the QR code comes from segno.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import segno
from fpdf import FPDF
from PIL import Image, ImageDraw, ImageFont

from bot.deputies.service import DeputyView
from bot.fonts import cjk_font_path

# 90 × 54 mm (a business card) at 300 dpi.
WIDTH, HEIGHT = 1063, 638
RED = (180, 20, 30)
INK = (30, 30, 30)
GREY = (90, 90, 90)
LINK_PREFIX = "d_"


def deputy_link(bot_username: str, code: str) -> str:
    return f"https://t.me/{bot_username.lstrip('@')}?start={LINK_PREFIX}{code}"


@dataclass(frozen=True)
class CardText:
    title: str
    name: str
    role: str
    lines: list[str]
    footer: str


def card_text(deputy: DeputyView) -> CardText:
    return CardText(
        title="人大代表 · 代表码",
        name=deputy.name,
        role=f"{deputy.level}人大代表",
        lines=[
            f"联络站：{deputy.station or '—'}",
            f"选区：{deputy.constituency}",
            f"集中履职日：每月{deputy.duty_day}日",
        ],
        footer="有事找代表 · 扫码直接给代表留言",
    )


def _qr_png(link: str, *, fit: int) -> bytes:
    """The QR code at the largest whole-pixel module size within `fit` pixels (no resampling)."""
    code = segno.make(link, error="m")
    scale = max(1, fit // code.symbol_size(scale=1, border=2)[0])
    out = io.BytesIO()
    code.save(out, kind="png", scale=scale, border=2)
    return out.getvalue()


def _fit(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont, width: int) -> str:
    """Shorten a line that would run into the QR code."""
    if draw.textlength(text, font=font) <= width:
        return text
    while text and draw.textlength(text + "…", font=font) > width:
        text = text[:-1]
    return text + "…"


def render_png(deputy: DeputyView, link: str) -> bytes:
    regular, bold = str(cjk_font_path("regular")), str(cjk_font_path("bold"))
    card = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(card)
    text = card_text(deputy)
    draw.rectangle((0, 0, WIDTH, 90), fill=RED)
    draw.text((40, 45), text.title, font=ImageFont.truetype(bold, 44), fill="white", anchor="lm")
    qr = Image.open(io.BytesIO(_qr_png(link, fit=400))).convert("RGB")
    card.paste(qr, (WIDTH - 240 - qr.width // 2, 130 + (400 - qr.height) // 2))
    text_width = WIDTH - 440 - 60
    draw.text((40, 130), text.name, font=ImageFont.truetype(bold, 84), fill=INK)
    draw.text((40, 240), text.role, font=ImageFont.truetype(regular, 38), fill=RED)
    small = ImageFont.truetype(regular, 32)
    for index, line in enumerate(text.lines):
        draw.text((40, 320 + index * 56), _fit(draw, line, small, text_width), font=small, fill=GREY)
    draw.text((WIDTH - 240, 560), text.footer, font=ImageFont.truetype(regular, 24), fill=GREY, anchor="mm")
    out = io.BytesIO()
    card.save(out, format="PNG", dpi=(300, 300))
    return out.getvalue()


def render_pdf(deputy: DeputyView, link: str) -> bytes:
    """The same card as a vector PDF page of 90 × 54 mm, the text set in the CJK font."""
    text = card_text(deputy)
    pdf = FPDF(unit="mm", format=(90, 54))
    pdf.set_auto_page_break(False)
    pdf.set_margin(0)
    pdf.add_font("NotoSansSC", "", str(cjk_font_path("regular")))
    pdf.add_font("NotoSansSC", "B", str(cjk_font_path("bold")))
    pdf.add_page()
    pdf.set_fill_color(*RED)
    pdf.rect(0, 0, 90, 7.6, style="F")
    pdf.set_text_color(255, 255, 255)
    pdf.set_font("NotoSansSC", "B", 11)
    pdf.set_xy(3.4, 0.6)
    pdf.cell(60, 6.4, text.title)
    pdf.image(io.BytesIO(_qr_png(link, fit=400)), x=53, y=11, w=34, h=34)
    pdf.set_text_color(*INK)
    pdf.set_font("NotoSansSC", "B", 20)
    pdf.set_xy(3.4, 10)
    pdf.cell(48, 9, text.name)
    pdf.set_text_color(*RED)
    pdf.set_font("NotoSansSC", "", 9)
    pdf.set_xy(3.4, 20)
    pdf.cell(48, 5, text.role)
    pdf.set_text_color(*GREY)
    pdf.set_font("NotoSansSC", "", 7)
    for index, line in enumerate(text.lines):
        pdf.set_xy(3.4, 27 + index * 4.6)
        pdf.cell(48, 4.2, line if pdf.get_string_width(line) <= 48 else line[:22] + "…")
    pdf.set_font("NotoSansSC", "", 5.5)
    pdf.set_xy(50, 47)
    pdf.cell(40, 4, text.footer, align="C")
    return bytes(pdf.output())


def write_cards(deputies: list[DeputyView], bot_username: str, out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for deputy in deputies:
        link = deputy_link(bot_username, deputy.code)
        for suffix, render in ((".png", render_png), (".pdf", render_pdf)):
            path = out / f"deputy-{deputy.code}{suffix}"
            path.write_bytes(render(deputy, link))
            written.append(path)
    return written
