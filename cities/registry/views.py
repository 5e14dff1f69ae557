"""The registry's views: read through ``cities.selectors``, shared through ``smartcity.pagecache``."""

import csv
import io

from csp.decorators import csp
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import translation
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from smartcity.pagecache import cached_public_page
from smartcity.thaidate import be_year, format_date

from .. import badge as badges
from .. import freshness, maps, selectors
from ..charts import Bar, bar_chart
from ..enums import CertifiedCityStatus, RegionGrouping
from ..models import Province
from .forms import RegistryFilterForm, ZoneFilterForm, page_number

PAGE_SIZE = 20
BADGE_CACHE = "public, max-age=300"


def shared(cache_control="no-cache", *, daily=False):
    """Answers shared by anonymous visitors under the freshness number, per query string (the forms
    check every parameter: what they do not know is a 400, never stored); and per day for answers whose
    wording depends on the date (``daily``)."""
    return cached_public_page(version=freshness.version, query=True, daily=daily, cache_control=cache_control)


def details_public(record):
    """Whether the organisation lets the registry show its contact and its plan's text."""
    return record.organisation is None or record.organisation.registry_details_public


def ordered_provinces(record):
    return selectors.provinces_in_order(queryset=record.provinces.all())


# --- Listings


class Listing:
    """One listing (areas or zones): its form, its records and the page asked for."""

    def __init__(self, request, kind):
        self.kind = kind
        language = translation.get_language()
        if kind == "areas":
            form_class, years, fetch = RegistryFilterForm, selectors.area_years(), selectors.registry_areas
        else:
            form_class, years, fetch = ZoneFilterForm, selectors.zone_years(), selectors.registry_zones
        self.form = form_class(
            request.GET,
            regions=selectors.registry_regions(),
            provinces=selectors.provinces_in_order(language),
            years=years,
        )
        self.problems, self.records, self.page = [], [], None
        if self.form.is_valid():
            self.records = fetch(self.form.query(), language)
        else:
            self.problems = self.form.problems()

    def paginate(self, value):
        if self.problems:
            return
        paginator = Paginator(self.records, PAGE_SIZE, allow_empty_first_page=True)
        number = page_number(value)
        if number is None or number > paginator.num_pages:
            self.problems.append(
                _("There is no such page: choose a page number from 1 to %(pages)s.")
                % {"pages": paginator.num_pages}
            )
        else:
            self.page = paginator.page(number)

    @property
    def status(self):
        return 400 if self.problems else 200


def _listing_response(request, kind, template):
    listing = Listing(request, kind)
    listing.paginate(request.GET.get("page"))
    records = list(listing.page.object_list) if listing.page else []
    for record in records:
        record.ordered_provinces = ordered_provinces(record)
    context = {
        "listing": listing,
        "form": listing.form,
        "records": records,
        "page_obj": listing.page,
        "tab": kind,
        "csv_url": reverse(f"registry:{kind}_csv") + (f"?{_without_page(request)}" if request.GET else ""),
    }
    return TemplateResponse(request, template, context, status=listing.status)


def _without_page(request):
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@require_safe
@shared(daily=True)  # an award takes effect on its ceremony's day
def areas(request):
    return _listing_response(request, "areas", "registry/areas.html")


@require_safe
@shared()
def zones(request):
    return _listing_response(request, "zones", "registry/zones.html")


# --- A page per area and per zone


@require_safe
@shared(daily=True)
def area(request, pk):
    city = selectors.registry_area(pk)
    badge_url = request.build_absolute_uri(reverse("registry:badge", args=[pk]))
    page_url = request.build_absolute_uri(reverse("registry:area", args=[pk]))
    snippet = format_html(
        '<a href="{}"><img src="{}" alt="{}" width="{}" height="20"></a>',
        page_url,
        badge_url,
        _("Smart City Thailand: %(name)s") % {"name": city.name},
        badge_width(city),
    )
    context = {
        "city": city,
        "takes_effect_later": city.takes_effect_later,
        "provinces": ordered_provinces(city),
        "details_public": details_public(city),
        "zone": selectors.zone_of(city),
        "progress": selectors.area_progress(city),
        "verify_url": reverse("verify", args=[city.certificate_serial]) if city.certificate_serial else "",
        "badge_url": reverse("registry:badge", args=[pk]),
        "badge_snippet": str(snippet),
        "tab": "areas",
    }
    return TemplateResponse(request, "registry/area.html", context)


@require_safe
@shared()
def zone(request, pk):
    zone = selectors.registry_zone(pk)
    context = {
        "zone": zone,
        "provinces": ordered_provinces(zone),
        "details_public": details_public(zone),
        "declared_year": be_year(zone.declared_on),
        "tab": "zones",
    }
    return TemplateResponse(request, "registry/zone.html", context)


# --- Statistics and the map


def region_bars(stats, grouping):
    return [Bar(region.name, count) for region, count in stats.by_region.get(grouping, [])]


@require_safe
@shared()
def statistics(request):
    stats = selectors.registry_statistics()
    rounds = [Bar(_("B.E. %(year)s") % {"year": r.year}, r.areas) for r in stats.rounds]
    geographic = region_bars(stats, RegionGrouping.GEOGRAPHIC)
    statistical = region_bars(stats, RegionGrouping.STATISTICAL)
    domains = [Bar(domain.label, count) for domain, count in stats.by_domain]
    context = {
        "stats": stats,
        "round_chart": bar_chart(rounds),
        "geographic": geographic,
        "geographic_chart": bar_chart(geographic),
        "statistical": statistical,
        "statistical_chart": bar_chart(statistical),
        "domains": domains,
        "domain_chart": bar_chart(domains),
        "map": registry_map(stats, small=True),
        "tab": "statistics",
    }
    return TemplateResponse(request, "registry/statistics.html", context)


def registry_map(stats, *, small=False):
    areas_url, zones_url = reverse("registry:areas"), reverse("registry:zones")
    provinces, rows = [], []
    for province in selectors.provinces_in_order(queryset=Province.objects.all()):
        active = stats.active_by_province.get(province.code, 0)
        preparing = stats.zones_by_province.get(province.code, 0)
        state = "certified" if active else ("zone" if preparing else "")
        parts = [province.name]
        if active:
            parts.append(_("certified areas: %(count)s") % {"count": active})
        if preparing:
            parts.append(_("promotion zones preparing plans: %(count)s") % {"count": preparing})
        url = f"{areas_url}?province={province.code}" if active else ""
        url = url or (f"{zones_url}?province={province.code}&status=preparing" if preparing else "")
        provinces.append(maps.MapProvince(province.iso_code, " — ".join(parts), state, bool(preparing), url))
        if active or preparing:
            rows.append({"province": province, "areas": active, "zones": preparing, "url": url})
    svg = maps.render(
        provinces,
        title=_("Map of Thailand: provinces with certified areas and promotion zones"),
        css_class="registry-map registry-map-small" if small else "registry-map",
    )
    return {"svg": svg, "rows": rows}


@require_safe
@shared()
def map_page(request):
    stats = selectors.registry_statistics()
    return TemplateResponse(
        request, "registry/map.html", {"map": registry_map(stats), "stats": stats, "tab": "map"}
    )


# --- CSV exports: the listing with its filters, every page of it


def _names(items):
    return "; ".join(str(item) for item in items)


def _csv_export(request, kind, headings, row_of, filename):
    """The listing ``kind`` with the request's filters, every page of it: the columns both listings
    share (names, organisation, provinces, domains, city type), then ``row_of(record)``."""
    listing = Listing(request, kind)
    if listing.problems:
        return HttpResponse(
            "\n".join(listing.problems) + "\n", status=400, content_type="text/plain; charset=utf-8"
        )
    rows = [[_("Name (Thai)"), _("Name (English)"), _("Organisation"), _("Provinces"), _("Domains"),
             _("City type"), *headings, _("Population served"), _("Sample data"), _("Page")]]  # fmt: skip
    for record in listing.records:
        rows.append(
            [
                record.name_th,
                record.name_en,
                record.organisation.name if record.organisation else "",
                _names(p.name for p in ordered_provinces(record)),
                _names(d.label for d in record.domains),
                record.get_city_type_display(),
                *row_of(record),
                record.population if record.population is not None else "",
                _("yes") if record.is_sample else "",
                request.build_absolute_uri(reverse(f"registry:{kind[:-1]}", args=[record.pk])),
            ]
        )
    buffer = io.StringIO()
    buffer.write("\ufeff")  # a byte-order mark, so that spreadsheet programs read UTF-8 (and Thai) as such
    csv.writer(buffer).writerows(rows)
    response = HttpResponse(buffer.getvalue().encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_safe
@shared(cache_control="public, max-age=300")
def areas_csv(request):
    def row_of(city):
        return [
            city.award_year,
            city.certified_on.isoformat(),
            city.valid_until.isoformat() if city.valid_until else "",
            city.get_status_display(),
            city.certificate_serial,
            city.contact if details_public(city) else "",
        ]

    headings = [
        _("Round"),
        _("Certified on"),
        _("Valid until"),
        _("Status"),
        _("Certificate serial"),
        _("Contact"),
    ]
    return _csv_export(request, "areas", headings, row_of, "registry-areas.csv")


@require_safe
@shared(cache_control="public, max-age=300")
def zones_csv(request):
    def row_of(zone):
        status = _("Certified") if zone.certified_city_id else _("Preparing its plan")
        return [be_year(zone.declared_on), zone.declared_on.isoformat(), status]

    headings = [_("Year declared"), _("Declared on"), _("Status")]
    return _csv_export(request, "zones", headings, row_of, "registry-zones.csv")


# --- The embeddable badge


def badge_parts(city):
    left = _("Smart City Thailand")
    if city.takes_effect_later:
        right = _("Certified from %(date)s") % {
            "date": format_date(city.certified_on, language=translation.get_language())
        }
    elif city.status == CertifiedCityStatus.ACTIVE and city.valid_until:
        right = _("Certified until %(date)s") % {
            "date": format_date(city.valid_until, language=translation.get_language())
        }
    else:
        right = city.get_status_display()
    return left, right


def badge_width(city):
    return badges.width(*badge_parts(city))


# The badge is an SVG document with its own style sheet and font (data:), and nothing else: its policy
# allows exactly that, and no script at all (the portal's policy would block the style if it is opened
# by itself).
@csp({"default-src": "'none'", "style-src": "'unsafe-inline'", "font-src": "data:"})
@require_safe
@shared(cache_control=BADGE_CACHE, daily=True)
def badge(request, pk):
    city = selectors.registry_area(pk)
    left, right = badge_parts(city)
    svg = badges.render(left, right, status=city.status, label=f"{city.name}: {left} — {right}")
    return HttpResponse(svg.encode("utf-8"), content_type="image/svg+xml; charset=utf-8")
