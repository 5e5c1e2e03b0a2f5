"""``python -m chainrule.playground``: the same as ``chainrule playground``."""

from .cli import main

raise SystemExit(main())
