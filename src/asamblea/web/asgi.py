"""The ASGI application Uvicorn serves (settings from the environment)."""

from asamblea.web.app import create_app

app = create_app()
