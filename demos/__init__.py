"""chainrule's runnable lessons, one small seeded file each (``chainrule demo`` lists them).

``python -m chainrule.demos`` runs the main job (the moons lesson);
``python -m chainrule.demos.NAME [--out DIR]`` or ``chainrule demo NAME [--out DIR]`` runs one
lesson, which writes its pictures to ``./chainrule-out/NAME/`` and ends by listing them.
The notebook course lives in ``course/`` (``chainrule demo notebooks`` copies it out);
``exercises.check`` checks its answers.
"""
