"""What a yearly progress report holds and when it is due: the plan's indicators it reports on, its form,
its schedule, what is missing before it can be submitted, the progress index, and whether an award may
be renewed. Reads only; the writes are in ``services.reporting`` and ``services.renewals``.

An award reports once a year: first on its round's ``report_due_on`` (the first anniversary of the award
when the round sets no day), then on the same day of each following year while the award is valid.
A report is labelled by the Buddhist year of its due date ("รายงานความก้าวหน้า ประจำปี 2567").
"""

import datetime
from decimal import Decimal

from django import forms
from django.conf import settings
from django.forms.utils import ErrorDict
from django.template.defaultfilters import filesizeformat
from django.utils import timezone, translation
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cities.enums import Domain
from smartcity.forms import ThaiDecimalField, ThaiIntegerField
from smartcity.thaidate import be_year, format_date

from .enums import AwardStatus, Component, ReminderStage, RenewalStatus, ReportStatus
from .sections import ServicesForm, services_spec
from .snapshots import add_years

TEXTAREA = forms.Textarea(attrs={"rows": 3})

# --- When reports are due


def due_dates(award):
    """The days on which ``award`` reports, oldest first: its round's first due day (moved on by whole
    years until it falls after the award was given), then every year while the award is valid."""
    first = award.round.report_due_on or add_years(award.awarded_on, 1)
    years = 0
    while add_years(first, years) <= award.awarded_on:
        years += 1
    dates = []
    while (day := add_years(first, years)) <= award.valid_until:
        dates.append(day)
        years += 1
    return dates


def due_on(award, year):
    """The due date of ``award``'s report of Buddhist year ``year``, or None when none is due that year."""
    return next((day for day in due_dates(award) if be_year(day) == year), None)


def reminder_stage(due, today):
    """Which reminder a report due on ``due`` needs on ``today`` (a Bangkok date), or None: due soon from
    ``CERTIFICATION_REPORT_REMINDER_DAYS`` before, due today on the day, overdue after it."""
    if today == due:
        return ReminderStage.DUE_TODAY
    if today > due:
        return ReminderStage.OVERDUE
    if (due - today).days <= settings.CERTIFICATION_REPORT_REMINDER_DAYS:
        return ReminderStage.DUE_SOON
    return None


# --- The plan's indicators


def plan_indicators(application):
    """The indicators of the awarded plan, in the order of its domains: [{domain, project, name, unit,
    baseline, target, target_year}], numbers as text (JSON keeps them exact)."""
    sections = {s.key: s for s in application.sections.all()}
    indicators = []
    for code in (d for d in Domain.values if d in application.domains):
        spec = services_spec(code)
        section = sections.get(spec.key)
        if section is None:
            continue
        form = spec.form(section.data or {}, application=application)
        if not form.is_valid():
            continue
        for row in ServicesForm._kept(form.indicators):
            data = row.cleaned_data
            indicators.append(
                {
                    "domain": code,
                    "project": data["project"],
                    "name": data["name"],
                    "unit": data["unit"],
                    "baseline": str(data["baseline"]),
                    "target": str(data["target"]),
                    "target_year": data["target_year"],
                }
            )
    return indicators


# --- The report's form


class ReportForm(forms.Form):
    """The organisation's report: the value achieved for each indicator of the plan, a score and an
    account for each of the five components, and the plan's overall progress. Saved as typed (a draft,
    valid or not); complete when it validates."""

    progress = ThaiDecimalField(
        label=gettext_lazy("Overall progress of the plan (%)"),
        max_digits=5,
        decimal_places=2,
        min_value=0,
        max_value=100,
        help_text=gettext_lazy("How much of the whole plan has been carried out, from 0 to 100."),
    )
    summary = forms.CharField(
        label=gettext_lazy("Summary of the year"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )

    def __init__(self, data=None, *, indicators=()):
        if data is not None and not isinstance(data, MultiValueDict):
            data = MultiValueDict(data)
        super().__init__(data)
        self.indicators = list(indicators)
        fields = {}
        for number, indicator in enumerate(self.indicators):
            fields[f"achieved_{number}"] = ThaiDecimalField(
                label=_("%(indicator)s: achieved (%(unit)s)")
                % {"indicator": indicator["name"], "unit": indicator["unit"]},
                max_digits=15,
                decimal_places=2,
                widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
            )
            fields[f"note_{number}"] = forms.CharField(
                label=_("Note on %(indicator)s") % {"indicator": indicator["name"]},
                required=False,
                max_length=1000,
                widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
            )
        for component in Component:
            fields[f"score_{component.value}"] = ThaiIntegerField(
                label=_("%(component)s: your score (0–100)") % {"component": component.label},
                min_value=0,
                max_value=100,
            )
            fields[f"account_{component.value}"] = forms.CharField(
                label=_("%(component)s: what was done, and what is late and why")
                % {"component": component.label},
                widget=TEXTAREA,
                max_length=5000,
            )
        self.fields = {**fields, **self.fields}

    def hide_errors(self):
        """Shows a draft as typed, without calling its gaps errors (until the organisation saves)."""
        self._errors = ErrorDict()

    def indicator_rows(self):
        """Each indicator with its baseline and target beside the fields for what was achieved."""
        return [
            {
                **indicator,
                "domain_label": Domain(indicator["domain"]).label
                if indicator["domain"] in Domain.values
                else "",
                "achieved": self[f"achieved_{n}"],
                "note": self[f"note_{n}"],
            }
            for n, indicator in enumerate(self.indicators)
        ]

    def component_rows(self):
        return [
            {"component": c, "score": self[f"score_{c.value}"], "account": self[f"account_{c.value}"]}
            for c in Component
        ]

    def display(self):
        """The report as labelled values (cleaned), for the frozen version of each submission."""
        data = self.cleaned_data
        return {
            "indicators": [
                {
                    **indicator,
                    "achieved": str(data[f"achieved_{n}"]),
                    "note": data[f"note_{n}"],
                }
                for n, indicator in enumerate(self.indicators)
            ],
            "components": [
                {
                    "component": c.value,
                    "label": str(c.label),
                    "score": data[f"score_{c.value}"],
                    "account": data[f"account_{c.value}"],
                }
                for c in Component
            ],
            "progress": str(data["progress"]),
            "summary": data["summary"],
        }


def report_form(report, data=None):
    """The report's form, bound to ``data`` or to what was saved (unbound when nothing was)."""
    if data is None and report.data:
        data = report.data
    return ReportForm(data, indicators=report.indicators)


def completeness_problems(report):
    """What stops the report from being submitted, in sentences; empty when it can be."""
    problems = []
    form = report_form(report)
    if not form.is_bound or not form.is_valid():
        missing = [str(form.fields[name].label) for name in form.errors] if form.is_bound else []
        problems.append(
            _("Complete the report: %(fields)s.") % {"fields": ", ".join(missing)}
            if missing
            else _("Fill in the report.")
        )
    if not report.evidence.exists():
        problems.append(_("Attach at least one file of evidence."))
    return problems


def snapshot(report):
    """The submitted report, frozen with its labels (in Thai, the programme's official language)."""
    with translation.override(settings.LANGUAGE_CODE):
        form = report_form(report)
        content = form.display() if form.is_valid() else {}
        content["evidence"] = [
            {"name": e.original_name, "size": e.size, "sha256": e.sha256} for e in report.evidence.all()
        ]
    return content


# --- The index


def weighted_index(scores):
    """The progress index of a year: the five components' scores (0–100) weighted as the evaluations
    weigh them (``CERTIFICATION_COMPONENT_WEIGHTS``), rounded to two decimals."""
    weights = settings.CERTIFICATION_COMPONENT_WEIGHTS
    total = sum(weights[c] for c in Component.values)
    value = Decimal(sum(scores[c] * weights[c] for c in Component.values)) / Decimal(total)
    return value.quantize(Decimal("0.01"))


# --- Renewal


def latest_assessed_report(award):
    return award.progress_reports.filter(status=ReportStatus.ASSESSED).order_by("-year").first()


def renewal_window_opens(award):
    return award.valid_until - datetime.timedelta(days=settings.CERTIFICATION_RENEWAL_WINDOW_DAYS)


def renewal_problems(award, today=None):
    """Why the organisation cannot ask for the renewal of ``award`` today; empty when it can. The request
    is made while the award is in force, in the last ``CERTIFICATION_RENEWAL_WINDOW_DAYS`` of it, from
    its latest assessed report; one request at a time."""
    today = today or timezone.localdate()
    if award.status != AwardStatus.ACTIVE or today > award.valid_until:
        return [_("Only an award in force can be renewed.")]
    problems = []
    if today < renewal_window_opens(award):
        problems.append(
            _("Renewal can be requested from %(day)s, as the award nears its expiry.")
            % {"day": _date(renewal_window_opens(award))}
        )
    if latest_assessed_report(award) is None:
        problems.append(_("Renewal is requested from an assessed progress report: none is assessed yet."))
    if award.renewals.filter(status=RenewalStatus.REQUESTED).exists():
        problems.append(_("A request for renewal is already waiting for the committee."))
    return problems


def above_threshold(progress):
    """Progress (%) that lets the committee renew: above ``CERTIFICATION_RENEWAL_THRESHOLD``, not at it."""
    return progress is not None and Decimal(progress) > Decimal(settings.CERTIFICATION_RENEWAL_THRESHOLD)


def _date(day):
    return format_date(day, language=translation.get_language() or "th")


# --- The organisation's other forms


class EvidenceForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["file"]
        field.help_text = field.help_text % {"size": filesizeformat(settings.ATTACHMENT_MAX_BYTES)}

    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy("PDF, Word (DOCX), Excel (XLSX), PNG or JPEG, %(size)s at most."),
        error_messages={
            "required": gettext_lazy("Choose a file to upload."),
            "empty": gettext_lazy("The file is empty."),
        },
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx,.xlsx,.png,.jpg,.jpeg"}),
    )


class RenewalRequestForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Note to the committee (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    confirm = forms.BooleanField(
        label=gettext_lazy("We ask for the renewal of our certification on the progress of our plan."),
        error_messages={"required": gettext_lazy("Tick the box to confirm.")},
    )
