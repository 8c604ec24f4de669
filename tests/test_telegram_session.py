"""Requests without files go to the Bot API as JSON; uploads as aiogram's multipart form."""

from __future__ import annotations

import json

from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.methods import SendMessage, SendPhoto
from aiogram.types import BufferedInputFile, InlineKeyboardButton, InlineKeyboardMarkup, ReplyParameters
from aiohttp import FormData

from bot.telegram_session import JsonAiohttpSession

TOKEN = "123456:TEST-TOKEN"


def _bot(session: JsonAiohttpSession) -> Bot:
    return Bot(TOKEN, session=session, default=DefaultBotProperties(parse_mode="HTML", link_preview_is_disabled=True))


def test_a_message_with_buttons_is_one_json_body_with_the_defaults_filled_in() -> None:
    session = JsonAiohttpSession()
    bot = _bot(session)
    keyboard = InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text="认领", callback_data="claim:7")]])
    method = SendMessage(
        chat_id=-100200,
        text="<b>新诉求</b> 垃圾 & 污水",
        reply_markup=keyboard,
        reply_parameters=ReplyParameters(message_id=41, allow_sending_without_reply=True),
        disable_notification=False,
    )
    payload = session.build_form_data(bot, method)
    assert not isinstance(payload, FormData)
    assert payload.content_type == "application/json"
    assert "新诉求".encode() in payload._value  # UTF-8 as it is, not one \u escape per character
    body = json.loads(payload._value)
    assert body == {
        "chat_id": -100200,
        "text": "<b>新诉求</b> 垃圾 & 污水",
        "parse_mode": "HTML",  # the bot's default, resolved as aiogram's form resolves it
        "link_preview_options": {"is_disabled": True},
        "disable_web_page_preview": True,
        "disable_notification": False,  # given, so sent (as aiogram's form sends "false")
        "reply_markup": {"inline_keyboard": [[{"text": "认领", "callback_data": "claim:7"}]]},
        "reply_parameters": {"message_id": 41, "allow_sending_without_reply": True, "quote_parse_mode": "HTML"},
    }
    # The same fields aiogram's own form would send, each with the value the form encodes.
    form = AiohttpSession.build_form_data(session, bot, method)
    sent = {options["name"]: value for options, _headers, value in form._fields}
    assert sent.keys() == body.keys()
    for key, value in body.items():
        assert (json.loads(sent[key]) if isinstance(value, dict | bool) else sent[key]) == (
            value if isinstance(value, dict | bool) else str(value)
        )


def test_an_upload_goes_as_aiograms_multipart_form() -> None:
    session = JsonAiohttpSession()
    bot = _bot(session)
    method = SendPhoto(chat_id=5, photo=BufferedInputFile(b"\x89PNG", filename="p.png"), caption="现场照片")
    form = session.build_form_data(bot, method)
    assert isinstance(form, FormData)
    fields = {options["name"]: value for options, _headers, value in form._fields}
    assert fields["caption"] == "现场照片"
    assert fields["photo"].startswith("attach://")
    assert fields["photo"].removeprefix("attach://") in fields  # the file's own part
