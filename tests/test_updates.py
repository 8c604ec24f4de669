"""An update Telegram delivers twice — at once, or after the bot restarted — is handled once."""

from __future__ import annotations

from bot.sandbox.botapi import FakeTelegram
from tests.harness import RunningBot


async def test_redelivered_update_is_processed_once(running: RunningBot, fake: FakeTelegram) -> None:
    alice = fake.user(1001, "Alice")
    message = fake.new_message(fake.chats[alice.id], alice.to_json(), {"text": "/help"}, by_bot=False)
    mark = fake.mark()
    update_id = await fake.push_update({"message": message})
    await fake.wait_for("sendMessage", chat_id=alice.id, since=mark)
    await fake.wait_consumed(update_id)

    again = fake.mark()
    await fake.push_raw_update({"update_id": update_id, "message": message})
    await fake.assert_nothing("sendMessage", chat_id=alice.id, since=again, within=0.5)

    await running.restart()  # the guard is in the database, not in memory
    again = fake.mark()
    await fake.push_raw_update({"update_id": update_id, "message": message})
    await fake.assert_nothing("sendMessage", chat_id=alice.id, since=again, within=0.5)

    # A new update still gets its answer.
    mark = fake.mark()
    await fake.send_text(alice, "/help")
    await fake.wait_for("sendMessage", chat_id=alice.id, since=mark)
