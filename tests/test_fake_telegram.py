"""The fake Telegram server, driven by a real aiogram Bot."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import aiohttp
import pytest
import pytest_asyncio
from aiogram import Bot, Dispatcher, F
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.filters import Command, CommandStart
from aiogram.types import (
    BotCommand,
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputMediaPhoto,
    Message,
    ReplyParameters,
)

from bot.sandbox.botapi import FakeTelegram, Fault, FloodLimits

TOKEN = "123456:TEST"
KEYBOARD = InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text="受理", callback_data="case:accept:7")]])


class QuickSession(AiohttpSession):
    """aiogram's close() sleeps 250 ms for SSL shutdown; plain local HTTP needs none."""

    async def close(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()


@pytest_asyncio.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram(bot_username="gridline_test_bot") as fake:
        fake.user(1001, "Alice", username="alice", language_code="zh-hans")
        fake.user(1002, "Bob", username="bob")
        fake.group(-100200, "城关网格群")
        yield fake


@pytest_asyncio.fixture
async def bot(fake: FakeTelegram) -> AsyncIterator[Bot]:
    session = QuickSession(api=TelegramAPIServer.from_base(fake.base_url))
    bot = Bot(TOKEN, session=session)
    yield bot
    await bot.session.close()


@pytest.mark.asyncio
async def test_get_me(fake: FakeTelegram, bot: Bot) -> None:
    me = await bot.get_me()
    assert me.id == 123456 and me.is_bot and me.username == "gridline_test_bot"
    assert fake.requests[-1].method == "getMe"
    assert fake.bot_user["id"] == 123456


@pytest.mark.asyncio
async def test_dispatcher_echo_command_and_callback(fake: FakeTelegram, bot: Bot) -> None:
    dp = Dispatcher()

    @dp.message(CommandStart())
    async def start(message: Message) -> None:
        await message.answer("welcome", reply_markup=KEYBOARD)

    @dp.message(Command("bind"))
    async def bind(message: Message) -> None:
        await message.reply(f"bound {message.text.split()[1]}")

    @dp.message(F.text)
    async def echo(message: Message) -> None:
        await message.answer(f"echo: {message.text}")

    @dp.callback_query(F.data.startswith("case:"))
    async def pressed(query: CallbackQuery) -> None:
        await query.answer("ok")
        await query.message.edit_text("已受理")

    polling = asyncio.create_task(dp.start_polling(bot, handle_signals=False, polling_timeout=1))
    try:
        alice, bob = fake.users[1001], fake.users[1002]
        mark = fake.mark()
        await fake.send_text(alice, "hello")
        call = await fake.wait_for("sendMessage", chat_id=1001, since=mark, timeout=5)
        assert call.params["text"] == "echo: hello"

        await fake.send_text(alice, "/start")
        call = await fake.wait_for("sendMessage", 1001, since=mark, where=lambda c: c.text == "welcome")
        card = call.result

        group_msg = await fake.send_text(bob, "/bind@gridline_test_bot V001", chat=fake.chats[-100200])
        assert group_msg["entities"][0] == {"type": "bot_command", "offset": 0, "length": 23}
        call = await fake.wait_for("sendMessage", chat_id=-100200, since=mark)
        assert call.params["text"] == "bound V001"
        assert fake.last_message(-100200)["reply_to_message"]["message_id"] == group_msg["message_id"]

        query = await fake.press(alice, card, "case:accept:7")
        answer = await fake.wait_for("answerCallbackQuery", since=mark)
        assert answer.params["callback_query_id"] == query["id"]
        await fake.wait_for("editMessageText", chat_id=1001, since=mark)
        edited = fake.message(1001, card["message_id"])
        assert edited["text"] == "已受理" and "reply_markup" not in edited
        with pytest.raises(AssertionError, match="no button"):
            await fake.press(alice, edited, "case:accept:7")
    finally:
        await dp.stop_polling()
        await polling
    assert fake.updates_consumed() >= 1


@pytest.mark.asyncio
async def test_send_message_with_inline_keyboard(fake: FakeTelegram, bot: Bot) -> None:
    sent = await bot.send_message(1001, "请选择", reply_markup=KEYBOARD)
    assert isinstance(sent.reply_markup, InlineKeyboardMarkup)
    assert sent.reply_markup.inline_keyboard[0][0].callback_data == "case:accept:7"
    assert sent.from_user and sent.from_user.is_bot and sent.chat.first_name == "Alice"
    stored = fake.sent_messages(1001)
    assert [m["message_id"] for m in stored] == [sent.message_id]
    assert fake.requests[-1].params["reply_markup"]["inline_keyboard"][0][0]["text"] == "受理"
    # message ids are per chat and shared between users and the bot
    user_msg = await fake.send_text(fake.users[1001], "hi")
    assert user_msg["message_id"] == sent.message_id + 1


@pytest.mark.asyncio
async def test_html_validation(fake: FakeTelegram, bot: Bot) -> None:
    html = '<b>粗体</b> &amp; <a href="https://example.org">link</a> &lt;tag&gt;'
    sent = await bot.send_message(1001, html, parse_mode="HTML")
    assert sent.text == "粗体 & link <tag>"
    assert [(e.type, e.offset, e.length) for e in sent.entities] == [
        ("bold", 0, 2),
        ("text_link", 5, 4),
    ]
    assert fake.requests[-1].params["text"] == html  # raw HTML kept for escaping checks
    for bad, why in [
        ("<b>x", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<script>alert(1)</script>", 'Unsupported start tag "script"'),
        ("1 < 2", "Unsupported start tag"),
        ("<b>x</i>", "Unmatched end tag"),
        ("R&D", "Unescaped"),
    ]:
        with pytest.raises(TelegramBadRequest, match="can't parse entities") as info:
            await bot.send_message(1001, bad, parse_mode="HTML")
        assert why in info.value.message
    with pytest.raises(TelegramBadRequest, match="message is too long"):
        await bot.send_message(1001, "长" * 4097)
    with pytest.raises(TelegramBadRequest, match="message text is empty"):
        await bot.send_message(1001, "<b> </b>", parse_mode="HTML")
    assert len(fake.sent_messages(1001)) == 1


@pytest.mark.asyncio
async def test_edit_not_modified_and_unknown(fake: FakeTelegram, bot: Bot) -> None:
    sent = await bot.send_message(1001, "状态：待处理", reply_markup=KEYBOARD)
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_text(
            text="状态：待处理", chat_id=1001, message_id=sent.message_id, reply_markup=KEYBOARD
        )
    edited = await bot.edit_message_text(
        text="状态：已受理", chat_id=1001, message_id=sent.message_id, reply_markup=KEYBOARD
    )
    assert isinstance(edited, Message) and edited.edit_date is not None
    assert fake.message(1001, sent.message_id)["text"] == "状态：已受理"
    await bot.edit_message_reply_markup(chat_id=1001, message_id=sent.message_id)
    assert "reply_markup" not in fake.last_message(1001)
    with pytest.raises(TelegramBadRequest, match="message to edit not found"):
        await bot.edit_message_text(text="x", chat_id=1001, message_id=999)
    with pytest.raises(TelegramBadRequest, match="message to edit not found"):
        await bot.edit_message_caption(chat_id=1001, message_id=999, caption="x")
    assert await bot.delete_message(1001, sent.message_id)
    assert fake.sent_messages(1001) == []


@pytest.mark.asyncio
async def test_reply_parameters_embed_reply_to_message(fake: FakeTelegram, bot: Bot) -> None:
    asked = await fake.send_photo(fake.users[1001], file_id="ph1", caption="路灯坏了")
    sent = await bot.send_message(1001, "收到", reply_parameters=ReplyParameters(message_id=asked["message_id"]))
    assert sent.reply_to_message is not None
    assert sent.reply_to_message.caption == "路灯坏了"
    assert sent.reply_to_message.photo[-1].file_id == "ph1"
    assert fake.last_message(1001)["reply_to_message"]["message_id"] == asked["message_id"]
    with pytest.raises(TelegramBadRequest, match="message to be replied not found"):
        await bot.send_message(1001, "x", reply_parameters=ReplyParameters(message_id=777))


@pytest.mark.asyncio
async def test_send_media_group_of_three_photos(fake: FakeTelegram, bot: Bot) -> None:
    media = [
        InputMediaPhoto(media="ph1", caption="<b>现场</b>", parse_mode="HTML"),
        InputMediaPhoto(media="ph2"),
        InputMediaPhoto(media=BufferedInputFile(b"\x89PNG fake", filename="c.png")),
    ]
    messages = await bot.send_media_group(-100200, media=media)
    assert len(messages) == 3
    assert len({m.media_group_id for m in messages}) == 1 and messages[0].media_group_id
    assert messages[0].caption == "现场" and messages[0].caption_entities[0].type == "bold"
    assert [m.photo[-1].file_id for m in messages[:2]] == ["ph1", "ph2"]
    upload = fake.requests[-1].params["media"][2]["media"]
    assert upload["filename"] == "c.png" and upload["content"] == b"\x89PNG fake"
    stored_id = messages[2].photo[-1].file_id
    downloaded = await bot.download(stored_id)
    assert downloaded is not None and downloaded.read() == b"\x89PNG fake"


@pytest.mark.asyncio
async def test_document_upload_and_other_sends(fake: FakeTelegram, bot: Bot) -> None:
    doc = await bot.send_document(1001, BufferedInputFile(b"%PDF-1.4", filename="report.pdf"))
    assert doc.document and doc.document.file_name == "report.pdf"
    assert fake.requests[-1].params["document"] == {
        "filename": "report.pdf",
        "content": b"%PDF-1.4",
        "size": 8,
    }
    loc = await bot.send_location(1001, latitude=29.5, longitude=108.6)
    assert loc.location and loc.location.latitude == 29.5
    voice = await bot.send_voice(1001, "vo1")
    assert voice.voice and voice.voice.file_id == "vo1"
    contact = await bot.send_contact(1001, phone_number="13812345678", first_name="网格员")
    assert contact.contact and contact.contact.phone_number == "13812345678"
    user_msg = await fake.send_text(fake.users[1001], "转给群里")
    copied = await bot.copy_message(-100200, from_chat_id=1001, message_id=user_msg["message_id"])
    assert fake.message(-100200, copied.message_id)["text"] == "转给群里"
    forwarded = await bot.forward_message(-100200, 1001, user_msg["message_id"])
    assert forwarded.forward_origin.sender_user.id == 1001
    assert await bot.send_chat_action(1001, "typing")
    file = await bot.get_file("vo1")
    assert file.file_path == "files/vo1"


@pytest.mark.asyncio
async def test_chat_members_commands_and_raw_http(fake: FakeTelegram, bot: Bot) -> None:
    fake.set_member_status(-100200, 1002, "administrator")
    assert (await bot.get_chat_member(-100200, 1001)).status == "member"
    assert (await bot.get_chat_member(-100200, 1002)).status == "administrator"
    admins = await bot.get_chat_administrators(-100200)
    assert [a.user.id for a in admins] == [1002]
    chat = await bot.get_chat(-100200)
    assert chat.title == "城关网格群" and chat.type == "supergroup"
    await bot.set_my_commands([BotCommand(command="bind", description="绑定")])
    assert [c.command for c in await bot.get_my_commands()] == ["bind"]
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await bot.send_message(424242, "who?")

    async with aiohttp.ClientSession() as http:
        url = f"{fake.base_url}/bot{TOKEN}"
        async with http.post(f"{url}/SENDMESSAGE", json={"chat_id": "1001", "text": "json"}) as r:
            body = await r.json()
        assert body["ok"] and body["result"]["text"] == "json"
        assert fake.requests[-1].method == "sendMessage" and fake.requests[-1].chat_id == 1001
        async with http.post(f"{url}/noSuchMethod", data={"a": "1"}) as r:
            assert r.status == 404
            assert await r.json() == {
                "ok": False,
                "error_code": 404,
                "description": "Not Found: method not found",
            }


@pytest.mark.asyncio
async def test_get_updates_long_poll_offset_and_duplicates(fake: FakeTelegram, bot: Bot) -> None:
    alice = fake.users[1001]
    poll = asyncio.create_task(bot.get_updates(timeout=3))
    await asyncio.sleep(0.05)
    msg = await fake.send_text(alice, "wake up")
    updates = await asyncio.wait_for(poll, 1)  # answered at once, not after 3 s
    assert [u.message.text for u in updates] == ["wake up"]
    first_id = updates[0].update_id
    assert fake.updates_consumed() == 0
    assert await bot.get_updates(offset=first_id + 1) == []
    assert fake.updates_consumed() == first_id
    # Telegram re-delivering an update the bot already confirmed
    await fake.push_raw_update({"update_id": first_id, "message": msg})
    again = await bot.get_updates(offset=first_id + 1)
    assert [u.update_id for u in again] == [first_id]
    assert await bot.get_updates(offset=first_id + 1) == []


@pytest.mark.asyncio
async def test_retry_after_fault(fake: FakeTelegram, bot: Bot) -> None:
    fake.inject(
        Fault(
            method="sendMessage",
            chat_id=1001,
            error_code=429,
            description="Too Many Requests: retry after 2",
            retry_after=2,
            times=1,
        )
    )
    with pytest.raises(TelegramRetryAfter) as info:
        await bot.send_message(1001, "x")
    assert info.value.retry_after == 2
    assert fake.requests[-1].error == (429, "Too Many Requests: retry after 2")
    assert (await bot.send_message(1001, "x")).text == "x"  # times=1 used up
    fake.inject(Fault(error_code=502, description="Bad Gateway", times=1))
    with pytest.raises(TelegramServerError):
        await bot.get_me()
    assert fake.stats["429"] == 1 and fake.stats["errors"] == 2


@pytest.mark.asyncio
async def test_delay_fault_times_out_but_is_delivered(fake: FakeTelegram, bot: Bot) -> None:
    fake.inject(Fault(method="sendMessage", delay=0.3))
    mark = fake.mark()
    with pytest.raises(TelegramNetworkError):
        await bot.send_message(1001, "slow", request_timeout=0.1)  # type: ignore[arg-type]
    call = await fake.wait_for("sendMessage", 1001, since=mark, timeout=2)
    assert call.ok and fake.last_message(1001)["text"] == "slow"


@pytest.mark.asyncio
async def test_block_chat(fake: FakeTelegram, bot: Bot) -> None:
    fake.block_chat(1001)
    with pytest.raises(TelegramForbiddenError, match="bot was blocked by the user"):
        await bot.send_message(1001, "x")
    fake.block_chat(-100200)
    with pytest.raises(TelegramForbiddenError, match="kicked from the supergroup chat"):
        await bot.send_message(-100200, "x")
    assert (await bot.send_message(1002, "still fine")).chat.id == 1002


@pytest.mark.asyncio
async def test_flood_limits_private_chat(fake: FakeTelegram, bot: Bot) -> None:
    fake.enable_flood_limits(FloodLimits(scale=1.0))
    await bot.send_message(1001, "1")
    with pytest.raises(TelegramRetryAfter) as info:
        await bot.send_message(1001, "2")
    assert info.value.retry_after == 1
    with pytest.raises(TelegramRetryAfter):
        await bot.send_message(1001, "3")
    assert fake.stats["429"] == 2
    assert [m["text"] for m in fake.sent_messages(1001)] == ["1"]
    assert (await bot.send_message(1002, "other chat")).text == "other chat"


@pytest.mark.asyncio
async def test_wait_for_timeout_lists_calls(fake: FakeTelegram, bot: Bot) -> None:
    mark = fake.mark()
    await bot.send_message(1001, "您好，请描述问题")
    with pytest.raises(AssertionError) as info:
        await fake.wait_for(
            "sendMessage",
            chat_id=1001,
            since=mark,
            timeout=0.2,
            where=lambda c: "受理" in c.params.get("text", ""),
        )
    report = str(info.value)
    assert "timed out" in report and "sendMessage chat_id=1001 text='您好，请描述问题'" in report
    await fake.assert_nothing("sendMessage", chat_id=1002, within=0.05)
    with pytest.raises(AssertionError, match="unexpected call"):
        await fake.assert_nothing("sendMessage", chat_id=1001, since=mark, within=0.05)
