"""``python -m viz``: the same as the ``chainrule`` command."""

from .cli import main

raise SystemExit(main())
