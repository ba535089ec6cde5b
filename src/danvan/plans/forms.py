"""Forms of annual plans, their indicators, tasks and progress reports (shape and format only;
the rules live in the services)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from danvan.core import indicators
from danvan.plans import selectors
from danvan.plans.models import Aggregation, Period, TaskStatus
from danvan.plans.services.plans import IndicatorData, PlanData, TaskData
from danvan.plans.services.progress import parse_value

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]


def figure_field(label, **kwargs) -> forms.CharField:
    """Typed as Vietnamese numbers ("1.234,5"); parsed by the progress service's reader."""
    return forms.CharField(
        label=label, required=False, max_length=30, widget=forms.TextInput(
            attrs={"inputmode": "decimal", "class": "input-number"}
        ), **kwargs,
    )  # fmt: skip


def clean_figure(form: forms.Form, name: str):
    from danvan.core.errors import DomainError

    try:
        return parse_value(form.cleaned_data.get(name))
    except DomainError as exc:
        raise forms.ValidationError(exc.message) from exc


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class PlanForm(VersionForm):
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=None)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("Title"), max_length=300)
    goals = forms.CharField(
        label=_("Goals"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    documents = forms.ModelMultipleChoiceField(
        label=_("Implements documents"), queryset=None, required=False
    )

    def __init__(self, *args, user, plan=None, **kwargs):
        if plan is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "organisation": plan.organisation_id, "year": plan.year, "title": plan.title,
                "goals": plan.goals, "documents": list(plan.documents.values_list("pk", flat=True)),
                "version": plan.version,
            }  # fmt: skip
        kwargs.setdefault("initial", {}).setdefault("year", timezone.localdate().year)
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = selectors.organisations_for_plans(user)
        self.fields["organisation"].label_from_instance = lambda o: f"{o.name} · {o.territory.name}"
        self.fields["documents"].queryset = selectors.documents_for_picker(user)
        self.plan = plan
        self.user = user

    def chosen_documents(self):
        """The documents ticked so far (shown as checked boxes above the search)."""
        ids = self.data.getlist("documents") if self.is_bound else self.initial.get("documents", [])
        ids = [int(i) for i in ids if str(i).isdigit()]
        return list(self.fields["documents"].queryset.filter(pk__in=ids)) if ids else []

    def to_data(self) -> PlanData:
        d = self.cleaned_data
        return PlanData(
            organisation=d["organisation"], year=d["year"], title=d["title"],
            goals=d.get("goals", ""), documents=list(d.get("documents") or []),
        )  # fmt: skip


def source_choices():
    return [("", _("Typed by hand"))] + [
        (source.key, f"{source.label} ({source.unit})")
        for source in indicators.registered_sources()
    ]


class IndicatorForm(forms.Form):
    name = forms.CharField(label=_("Indicator"), max_length=300)
    unit = forms.CharField(label=_("Unit"), max_length=40)
    target_value = figure_field(_("Target"))
    measurement = forms.CharField(
        label=_("How it is measured"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    code = forms.CharField(
        label=_("Code"), required=False, max_length=60,
        help_text=_("The same code in plans of other levels lets the figures roll up."),
    )  # fmt: skip
    aggregation = forms.ChoiceField(label=_("Roll-up"), choices=Aggregation.choices)
    source = forms.ChoiceField(label=_("Computed from"), required=False, choices=())

    def __init__(self, *args, indicator=None, **kwargs):
        if indicator is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "name": indicator.name, "unit": indicator.unit, "measurement": indicator.measurement,
                "code": indicator.code, "aggregation": indicator.aggregation,
                "source": indicator.source, "target_value": "" if indicator.target_value is None
                else f"{indicator.target_value.normalize():f}".replace(".", ","),
            }  # fmt: skip
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = source_choices()

    def clean_target_value(self):
        return clean_figure(self, "target_value")

    def to_data(self) -> IndicatorData:
        d = self.cleaned_data
        return IndicatorData(
            name=d["name"], unit=d["unit"], target_value=d.get("target_value"),
            measurement=d.get("measurement", ""), code=d.get("code", ""),
            source=d.get("source", ""), aggregation=d["aggregation"],
        )  # fmt: skip


def date_field(label, **kwargs) -> forms.DateField:
    return forms.DateField(
        label=label,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}),
        error_messages={"invalid": _("Enter a date as dd/mm/yyyy.")},
        **kwargs,
    )


class TaskForm(VersionForm):
    title = forms.CharField(label=_("Task"), max_length=500)
    owner = forms.ModelChoiceField(
        label=_("Responsible organisation"), queryset=None, required=False
    )
    owner_name = forms.CharField(label=_("Responsible (name)"), max_length=200, required=False)
    deadline = date_field(_("Deadline"), required=False)
    status = forms.ChoiceField(label=_("Status"), choices=TaskStatus.choices)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, user, task=None, **kwargs):
        if task is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "title": task.title, "owner": task.owner_id, "owner_name": task.owner_name,
                "deadline": task.deadline, "status": task.status, "note": task.note,
                "version": task.version,
            }  # fmt: skip
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = selectors.organisations_for_plans(user, "plans.view")
        self.fields["owner"].label_from_instance = lambda o: f"{o.name} · {o.territory.name}"

    def to_data(self) -> TaskData:
        d = self.cleaned_data
        return TaskData(
            title=d["title"], owner=d.get("owner"), owner_name=d.get("owner_name", ""),
            deadline=d.get("deadline"), status=d["status"], note=d.get("note", ""),
        )  # fmt: skip


class StepForm(VersionForm):
    reason = forms.CharField(
        label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReportOpenForm(forms.Form):
    period = forms.ChoiceField(label=_("Period"), choices=Period.choices)
