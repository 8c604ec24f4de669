# The `gridline` command (bot/cli.py, bot/cli_text.py): what it says to the operator. It speaks
# DEFAULT_LOCALE. Log lines and typer's --help stay English.

## Settings (bot/config.py): "SETTING: why; expected what". The setting's name stays literal.
cli-setting-line = { $setting }: { $reason }; expected { $expected }
cli-setting-line-bare = { $setting }: { $reason }
cli-setting-unknown-locale = unknown locale { $value }
cli-setting-not-an-id = not a Telegram user id: { $value }
cli-setting-not-a-zone = not a known time zone
cli-setting-not-a-token = not a bot token
cli-setting-not-json = not JSON (at character { $position })
cli-setting-not-an-object = not a JSON object
cli-setting-unknown-action = unknown action { $action }
cli-setting-not-http = not an http(s) address
cli-setting-no-slash = does not start with /
cli-setting-not-a-jurisdiction = not a jurisdiction id
cli-setting-not-a-database = not a database address
cli-setting-no-file = no file { $path }
cli-setting-reserve = GROUP_CARD_RESERVE_PER_MINUTE must be less than FLOOD_GROUP_PER_MINUTE ({ $reserve } >= { $limit })
# pydantic's own checks, by error type (its English words)
cli-setting-greater-than = Input should be greater than { $gt }
cli-setting-greater-than-equal = Input should be greater than or equal to { $ge }
cli-setting-less-than = Input should be less than { $lt }
cli-setting-less-than-equal = Input should be less than or equal to { $le }
cli-setting-int-parsing = Input should be a valid integer, unable to parse string as an integer
cli-setting-int-from-float = Input should be a valid integer, got a number with a fractional part
cli-setting-float-parsing = Input should be a valid number, unable to parse string as a number
cli-setting-bool-parsing = Input should be a valid boolean, unable to interpret input
cli-setting-time-parsing = Input should be in a valid time format
# The form each setting expects
cli-expected-number = a number above 0
cli-expected-bot-token = the token from @BotFather, like 123456789:AAE...
cli-expected-database-url = sqlite:///path/to/file.db or postgresql://user:pass@host:5432/db
cli-expected-timezone = a time zone name such as Asia/Shanghai
cli-expected-default-locale = one of { $locales }
cli-expected-admin-ids = Telegram user ids separated by commas, like 111,222
cli-expected-telegram-api-base = an http(s) address, like https://api.telegram.org
cli-expected-wecom-api-base = an http(s) address, like https://qyapi.weixin.qq.com
cli-expected-webhook-url = the public https address Telegram posts to
cli-expected-webhook-path = a path starting with /, like /telegram/webhook
cli-expected-webhook-port = a port number from 1 to 65535
cli-expected-open311-port = a port number from 1 to 65535
cli-expected-open311-posts-per-minute = a whole number above 0
cli-expected-open311-jurisdiction = a jurisdiction id such as gridline.example.org (letters, digits, . - _), at most 100
cli-expected-sandbox-port = a port number from 1 to 65535 (0: any free port)
cli-expected-demo-org-file = the path of an organisation file (YAML)
cli-expected-deputy-duty-day = a day of the month from 1 to 31
cli-expected-deputy-day-time = a time of day HH:MM, like 08:30
cli-expected-deputy-eve-time = a time of day HH:MM, like 18:00
cli-expected-deputy-points = a JSON object like {"{"}"visit": 5, "reply": 1{"}"} with the actions { $actions }
cli-expected-due-soon-working-days = a whole number of working days from 0 to 10
cli-expected-draft-keep-days = a number of days from 1 to 365
cli-expected-escalation-grace-working-days = a whole number of working days from 0 to 30

## gridline run
cli-no-token =
    BOT_TOKEN is not set.

    Create a bot with @BotFather in Telegram (send /newbot, pick a name and a username ending in "bot"),
    then put the token it gives you in the environment or in a .env file next to where you run gridline:

        BOT_TOKEN=123456789:AA...your-token...

    See .env.example for every setting.
cli-webhook-needs-url = --webhook needs WEBHOOK_URL, the public https address Telegram posts to.

## The database (storage/database.py, storage/migrate.py)
cli-database-unavailable = cannot open the database { $where }: { $reason }
cli-schema-before-migrations = The database was made before Gridline had migrations: run `gridline db upgrade` first.
cli-schema-newer = The database's schema ({ $found }) is newer than this Gridline knows ({ $wanted }).
cli-schema-behind = The database's schema is { $found }, this Gridline needs { $wanted }: run `gridline db upgrade` first.
cli-db-newest = The database is at the newest schema ({ $revision }): nothing to do.
cli-db-upgraded = Upgraded the database from { $before } to { $after }.
cli-db-nothing = nothing
cli-db-revision-written = Wrote { $path }: read it before committing it.
cli-db-current = database: { $current }; this Gridline: { $head }
cli-db-no-revision = no revision

## Files the commands write (--out)
cli-out-is-folder = { $path } is a folder: give a file name for --out
cli-out-no-folder = cannot write { $path }: the folder { $folder } does not exist
cli-out-denied = cannot write { $path }: permission denied
cli-out-is-file = { $path } is a file: give a folder for --out
cli-out-under-file = cannot make the folder { $path }: { $file } is a file
cli-out-folder-denied = cannot write into { $folder }: permission denied
cli-write-failed = cannot write { $path }: { $reason }

## gridline import (bot/organisation/schema.py)
cli-imported = Imported { $grids } grids, { $categories } categories, { $staff } staff, { $stations } stations, { $deputies } deputies.
cli-org-not-yaml-at = { $path }, line { $line }, column { $column }: not valid YAML ({ $problem })
cli-org-not-yaml = { $path }: not valid YAML ({ $problem })
cli-org-unreadable = { $path }: cannot be read ({ $reason })
# Each problem of a file that is YAML but not an organisation, on its own line (its checks' own words)
cli-org-invalid = { $lines }

## gridline qr, invite, cards
cli-no-grid = No grid with code { $code }.
cli-unknown-role = Unknown role { $role }: use { $roles }.
cli-invite-no-deputy = no deputy { $target }
cli-invite-no-department = no department { $target }
cli-invite-no-grid = no grid { $target }
cli-invite-no-role = no invitation for the role { $role }
cli-invited =
    { $role } { $label }: { $link }
    works once, until { $expires }
    → { $path }
cli-cards-written = { $deputies } deputies, { $files } files → { $folder }

## gridline jobs
cli-bad-now = --now { $value } is not a date and time: use ISO 8601, like 2026-12-10T08:30
cli-job-line = { $name } next { $when } { $description }
cli-no-job = No job named { $name }. Jobs: { $jobs }

## gridline export ledger
cli-bad-date = Not a date (YYYY-MM-DD): { $error }
cli-ledger-written = Wrote { $count } issues to { $path }

## gridline wecom (bot/wecom/robots.py)
cli-owner-grid = grid
cli-owner-department = department
cli-wecom-added = Added the WeCom robot of { $owner } { $code } { $name }: { $secret }
cli-wecom-new-key = New key for the WeCom robot of { $owner } { $code } { $name }: { $secret }
cli-wecom-removed = Removed the WeCom robot of { $owner } { $code } { $name } ({ $secret }).
cli-wecom-none = No WeCom robots. Add one with: gridline wecom set <code> <key>
cli-wecom-line = { $owner } { $code } { $secret }  added { $added }  { $name }
cli-wecom-not-a-webhook = not a WeCom robot webhook address: expected { $address }
cli-wecom-no-key-in-address = the webhook address has no key=… (copy it whole from the robot's settings)
cli-wecom-not-a-key = not a WeCom robot key: expected 36 characters like xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx, or the robot's whole webhook address
cli-wecom-no-robot = { $code } has no WeCom robot.
cli-wecom-code-twice = { $code } is both a grid's and a department's code: rename one in the organisation file.
cli-wecom-unknown-code = No grid or department with code { $code }.

## gridline apikey, gridline api (bot/open311)
cli-apikey-created =
    API key for { $name } (shown only now, keep it secret):
    { $secret }
cli-apikey-none = No API keys. Create one with: gridline apikey create <name>
cli-apikey-column-name = NAME
cli-apikey-column-key = KEY
cli-apikey-column-state = STATE
cli-apikey-column-created = CREATED
cli-apikey-column-requests = REQUESTS
cli-apikey-column-last-request = LAST REQUEST
cli-apikey-column-last-used = LAST USED
cli-apikey-state-active = active
cli-apikey-state-revoked = revoked { $when }
cli-apikey-name-kept = The key named { $name } was revoked, and revoked keys keep their names (so every request says which key filed it): pick another name.
cli-apikey-revoked-already = The key { $name } is revoked already.
cli-apikey-never = never
cli-apikey-revoked = Revoked the API key { $name }.
cli-apikey-bad-name = A key's name is 1 to { $most } characters.
cli-apikey-taken = There is already a key named { $name }: revoke it first, or pick another name.
cli-apikey-unknown = No key named { $name }. See: gridline apikey list
cli-api-exposed = Serving on { $host }: anyone who reaches it can read every issue's public fields.

## gridline sandbox
cli-sandbox-exposed = WARNING: listening on { $host }: anyone who can reach this address can act as every role in the sandbox. It holds only demo data and never talks to Telegram.
cli-sandbox-open = Gridline sandbox: open { $url } (Ctrl-C to stop).
cli-sandbox-cannot-listen = Cannot listen on { $host }:{ $port }: { $reason }

## gridline jobs list: what each job does (bot/jobs/registry.py's descriptions, which the English repeats)
cli-job-outbox-prune = Drop delivered outbox rows older than 30 days
cli-job-due-soon = Remind the responsible person and group a working day before a deadline
cli-job-overdue = Alert once a day about every overdue issue
cli-job-auto-escalate = 超期上报: escalate issues overdue beyond the grace period
cli-job-daily-digest = 09:00 digest to every group: new, due today, overdue, resolved yesterday
cli-job-duty-eve = 集中履职日: the eve reminder to deputies (default 18:00 the day before)
cli-job-duty-day = 集中履职日: the morning reminder with the constituency's figures (default 08:30)
cli-job-deputy-digest = The daily digest of constituency issues to deputies (20:00)
cli-job-deputy-quarterly = 履职积分: each deputy's quarter and the table for administrators (1st of Jan/Apr/Jul/Oct, 09:00)
cli-job-lookback = 回访: ask citizens whether their resolved issue is solved (LOOKBACK_DAYS after)
cli-job-warn-yellow = 🟡 once 70% of an issue's time limit is used: the card turns yellow, the responsible person is told
cli-job-drafts-prune = Forget conversations untouched for DRAFT_KEEP_DAYS

## gridline run: reaching the Bot API (bot/telegram/reach.py)
cli-telegram-unreachable = cannot reach { $base }: { $reason }
cli-telegram-refuses-token = { $base } refuses BOT_TOKEN (401 Unauthorized): check the token
cli-telegram-unusable = cannot use { $base }: { $reason }
cli-telegram-webhook-refused = Telegram refuses the webhook { $url }: { $reason } (check WEBHOOK_URL)
