"""Digital skills movement: competence framework, courses, sessions, assessments, certificates."""
