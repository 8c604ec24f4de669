# gridline sandbox (bot/sandbox): the page's texts (served by /api/texts; a `{ $name }` is filled in
# by the page) and the sandbox server's own answers.

## The page
sandbox-language-name = English
sandbox-languages = Language
sandbox-page-title = Gridline · sandbox
sandbox-brand = Gridline · sandbox
sandbox-brand-note = Simulated on this machine, never connects to Telegram
sandbox-clock = Time
sandbox-clock-now = Sandbox time
sandbox-clock-input = Jump to a given time
sandbox-clock-submit = Jump
sandbox-clock-jumped = Jumped to { $now }; jobs that fell due:
sandbox-clock-jumped-idle = Jumped to { $now }; no job fell due
sandbox-chat-list = Chats
sandbox-choose-chat = Choose a chat on the left
sandbox-choose-chat-note = Switching chats switches who you are: citizen, grid worker, department liaison, deputy, administrator
sandbox-kind-citizen = Citizens
sandbox-kind-grid = Grid work groups
sandbox-kind-department = Departments
sandbox-kind-deputy = People's Congress deputies
sandbox-kind-admin = Administrator
sandbox-unread = New messages
sandbox-no-messages = No messages yet.
sandbox-bot-sender = Gridline (bot)
sandbox-send-command = Send this command
sandbox-reply = Reply
sandbox-replying = Replying to:
sandbox-reply-cancel = Cancel the reply
sandbox-edited = edited · { $time }
sandbox-send-photo = Send a photo
sandbox-send-location = Send a location
sandbox-text-placeholder = Type a message, or /start
sandbox-send = Send
sandbox-photo = Photo
sandbox-file = File
sandbox-location = 📍 Location { $latitude }, { $longitude }
sandbox-voice = 🎤 Voice message, { $duration } s
sandbox-summary-photo = [Photo] { $caption }
sandbox-summary-location = [Location]
sandbox-summary-contact = [Contact]
sandbox-summary-voice = [Voice message]
sandbox-summary-document = [File]
sandbox-summary-message = [Message]
sandbox-request-failed = Request failed ({ $status })

## Who speaks in each chat (the names come from the demo county)
sandbox-as-resident = Citizen · lives in { $place }
sandbox-as-villager = Citizen · lives in { $place }
sandbox-as-grid-worker = Grid work group · speaking as grid worker { $name }
sandbox-as-official = Township (subdistrict) grid · speaking as official { $name }
sandbox-as-liaison = Department work group · speaking as liaison { $name }
sandbox-as-deputy = County deputy · { $first }, { $second }
sandbox-as-admin = People's Congress office · administrator

## The time control's jumps
sandbox-preset-duty-day = Duty day { $month }/{ $day } { $time }
sandbox-preset-hours =
    { $hours ->
        [one] +1 hour
       *[other] +{ $hours } hours
    }
sandbox-preset-days =
    { $days ->
        [one] +1 day
       *[other] +{ $days } days
    }

## The server's answers
sandbox-error-header = The X-Sandbox request header is missing
sandbox-error-no-chat = There is no such chat
sandbox-error-json = The request should be a JSON object
sandbox-error-reply-gone = The message replied to is gone
sandbox-error-text = A message cannot be empty, nor longer than { $max } characters
sandbox-error-message-gone = This message is gone
sandbox-error-button-gone = This button is no longer there
sandbox-error-photo = Please choose a PNG, JPEG or GIF image
sandbox-error-time-format = That is not a valid time
sandbox-error-time-backwards = The clock only moves forward
