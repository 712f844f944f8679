from django.apps import AppConfig
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class EscalationsConfig(AppConfig):
    name = "escalations"

    def ready(self):
        # Imported here: models can be imported only once every app is loaded.
        from children.pages import register_child_page_context
        from escalations.codes import DEFAULT_RESPONSE_WORKING_DAYS, STAGE_ORDER
        from escalations.selectors import child_history_escalations, child_page_escalations

        # The settings hold only the stages the environment names; every stage gets its days here.
        given = settings.ESCALATION_RESPONSE_WORKING_DAYS
        unknown = sorted(set(given) - set(STAGE_ORDER))
        if unknown:
            raise ImproperlyConfigured(
                "ESCALATION_RESPONSE_WORKING_DAYS must be stage=days pairs such as team_manager=10, with stages from "
                f"{', '.join(STAGE_ORDER)}, not {', '.join(unknown)}."
            )
        settings.ESCALATION_RESPONSE_WORKING_DAYS = {
            stage: given.get(stage, DEFAULT_RESPONSE_WORKING_DAYS) for stage in STAGE_ORDER
        }
        register_child_page_context("overview", child_page_escalations)
        register_child_page_context("history", child_history_escalations)
