"""The WeCom (企业微信) adapter: group robots (群机器人) as a send-only channel to the staff of a grid
or a department, where Telegram is blocked. robots.py: which grid or department has which robot;
delivery.py: the outbox's transport for them."""
