from django.apps import AppConfig


class SkillsConfig(AppConfig):
    name = "congdoan.skills"
    label = "skills"
