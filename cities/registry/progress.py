"""The registry's progress index: each certified area's progress as the secretariat assessed its yearly
report — a score for each of the five components, the index (their weighted mean) and the plan's
progress — year by year, as a table with its chart, and as CSV. Organisations that keep their details
out of the registry (``registry_details_public`` off) are left out; the staff's copy in the admin
(``certification.admin.reports``) lists everyone, with the same CSV."""

import csv
import io

from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from .. import selectors
from ..charts import Bar, bar_chart
from ..enums import Component
from .views import shared


def chosen_year(request, years):
    """(year, problem): the year asked for (the latest when none is), or a sentence saying why not."""
    value = request.GET.get("year", "")
    if not value:
        return (years[0] if years else None), ""
    if value.isascii() and value.isdigit() and int(value) in years:
        return int(value), ""
    return None, _("Year: there is no assessed progress for %(year)s; choose one of the years listed.") % {
        "year": value[:8]
    }


def index_table(rows):
    """The chart and the rows' figures, as the registry and the admin show them."""
    chart = bar_chart([Bar(row.certified_city.name, float(row.index)) for row in rows], scale=100)
    return {"chart": chart, "rows": rows, "components": list(Component)}


@require_safe
@shared()
def index(request):
    years = selectors.progress_years()
    unknown = set(request.GET) - {"year"}
    year, problem = chosen_year(request, years)
    if unknown:
        problem = _("This page takes no parameter named %(name)s.") % {"name": sorted(unknown)[0][:30]}
    rows = selectors.progress_index(year) if year and not problem else []
    context = {
        **index_table(rows),
        "years": years,
        "year": year,
        "problem": problem,
        "csv_url": reverse("registry:progress_csv") + (f"?year={year}" if year and not problem else ""),
        "tab": "progress",
    }
    return TemplateResponse(request, "registry/progress.html", context, status=400 if problem else 200)


def index_csv_response(rows, request, filename):
    """The index as CSV for spreadsheets (a byte-order mark first, so that Thai reads as UTF-8)."""
    header = [_("Year"), _("Name (Thai)"), _("Name (English)"), _("Organisation")]
    header += [str(component.label) for component in Component]
    header += [_("Progress index (%)"), _("Plan progress (%)"), _("Assessed on"), _("Sample data"), _("Page")]
    lines = [header]
    for row in rows:
        city = row.certified_city
        lines.append(
            [
                row.year,
                city.name_th,
                city.name_en,
                city.organisation.name if city.organisation else "",
                *(row.scores.get(component.value, "") for component in Component),
                row.index,
                row.plan_progress,
                row.assessed_on.isoformat(),
                _("yes") if row.is_sample else "",
                request.build_absolute_uri(reverse("registry:area", args=[city.pk])),
            ]
        )
    buffer = io.StringIO()
    buffer.write("\ufeff")
    csv.writer(buffer).writerows(lines)
    response = HttpResponse(buffer.getvalue().encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def all_years(public_only=True):
    """Every line of the index, newest year first, each year in the index's order."""
    return [row for year in selectors.progress_years(public_only) for row in
            selectors.progress_index(year, public_only=public_only)]  # fmt: skip


@require_safe
@shared(cache_control="public, max-age=300")
def index_csv(request):
    years = selectors.progress_years()
    if set(request.GET) - {"year"}:
        return HttpResponse(
            _("Unknown parameter.") + "\n", status=400, content_type="text/plain; charset=utf-8"
        )
    if "year" in request.GET:
        year, problem = chosen_year(request, years)
        if problem:
            return HttpResponse(problem + "\n", status=400, content_type="text/plain; charset=utf-8")
        return index_csv_response(selectors.progress_index(year), request, f"progress-index-{year}.csv")
    return index_csv_response(all_years(), request, "progress-index.csv")
