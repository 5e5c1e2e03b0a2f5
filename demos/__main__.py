"""``python -m chainrule.demos`` (and ``make demo``): the main job, the moons lesson.

    python -m chainrule.demos [--out DIR]

trains micrograd's moons MLP on the scalar engine with a progress bar, prints its accuracy and
writes its pictures to ``./chainrule-out/moons/``. Every other lesson: ``chainrule demo``.
"""

from .moons import main

if __name__ == "__main__":
    raise SystemExit(main())
