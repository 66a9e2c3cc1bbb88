import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clusterscape.settings")
application = get_wsgi_application()

# (imported after Django is set up)
from clusterscape.core import warmup  # noqa: E402

warmup.load_code()
