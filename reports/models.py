"""What the service keeps for its reports that no other record holds: the budget of each collection
year (for the unit cost per review) and the narrative the QA managers write for each annual report."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

# Collection years are named by the year they end (2014 = 1 April 2013 to 31 March 2014), as the DfE does.
year_validators = [MinValueValidator(2000), MaxValueValidator(2100)]


class ServiceBudget(models.Model):
    """The IRO service's budget for one collection year, professional and administrative costs."""

    year = models.PositiveSmallIntegerField(
        "collection year", unique=True, validators=year_validators, help_text="The year it ends: 2014 is 2013-14."
    )
    amount = models.DecimalField("budget (£)", max_digits=12, decimal_places=2, validators=[MinValueValidator(0)])
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="service_budget_not_negative"),
        ]

    def __str__(self) -> str:
        return f"Budget {self.year - 1}-{self.year % 100:02}: £{self.amount:,.2f}"


class ReportNarrative(models.Model):
    """The words of one year's annual report that no query can produce, written by a QA manager and
    kept with the report. Paragraphs are separated by a blank line; lines starting "- " are a list."""

    year = models.PositiveSmallIntegerField("collection year", unique=True, validators=year_validators)
    introduction = models.TextField(blank=True)
    priorities = models.TextField("priorities for the coming year", blank=True)
    summary = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"Annual report narrative {self.year - 1}-{self.year % 100:02}"
