from django.http import JsonResponse
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.generic import TemplateView

from cities import freshness
from cities.enums import Domain, OrganisationType

from .health import run_checks
from .pagecache import cached_public_page


@method_decorator(cached_public_page(version=freshness.version), name="get")
class HomeView(TemplateView):
    """The home page, with the serial lookup box; anonymous visitors share one rendering of it."""

    template_name = "home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            domains=Domain.choices, organisation_types=OrganisationType.choices, **kwargs
        )


@never_cache
@require_GET
def healthz(request):
    """200 when the database and the broker both answer; 503 naming the part that does not."""
    checks = run_checks()
    failing = [name for name, result in checks.items() if result != "ok"]
    return JsonResponse(
        {"status": "ok" if not failing else "error", "failing": failing, "checks": checks},
        status=503 if failing else 200,
    )
