"""chainrule's runnable lessons. ``python -m demos`` runs the main job."""
