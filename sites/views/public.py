from django.contrib.auth.decorators import login_not_required
from django.shortcuts import get_object_or_404, render

from grants.models import Program
from sites.selectors.public import public_sites


@login_not_required
def site_list(request):
    """Public: every grant site, grouped by program."""
    programs = Program.objects.filter(sites__isnull=False).distinct()
    selected = request.GET.get("program")
    program = programs.filter(slug=selected).first() if selected else programs.first()
    return render(
        request,
        "sites/public_list.html",
        {"programs": programs, "program": program, "sites": public_sites(program)},
    )


@login_not_required
def site_detail(request, slug):
    """Public: one grant site's organization, content areas, partners and figures."""
    site = get_object_or_404(public_sites(), slug=slug)
    return render(request, "sites/public_detail.html", {"site": site})
