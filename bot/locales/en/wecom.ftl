# WeCom group robots: send-only, so a card says where the work is done
wecom-card-media = 📎 Photos, voice or a location are attached: see them in the work group
wecom-card-where = Claim, assess, answer and resolve it in this level's work group (Gridline)
