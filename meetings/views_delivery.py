"""The coordinator's delivery log per meeting: what was sent, what failed, and resending one."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from members.permissions import require_coordinator

from .delivery import delivery_summary
from .enums import DeliveryStatus
from .models import Delivery, Meeting
from .notifications import delivery_resend

PAGE_SIZE = 100


@login_required
def delivery_log(request, pk):
    require_coordinator(request.user)
    meeting = get_object_or_404(Meeting, pk=pk)
    status = request.GET.get("status", "")
    deliveries = meeting.deliveries.select_related("recipient").order_by("-created_at", "-pk")
    if status in DeliveryStatus.values:
        deliveries = deliveries.filter(status=status)
    else:
        status = ""
    page = Paginator(deliveries, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "meetings/delivery_log.html",
        {
            "meeting": meeting,
            "page": page,
            "summary": delivery_summary(meeting.pk, failed_limit=0),
            "status": status,
            "statuses": DeliveryStatus.choices,
            "resendable": (DeliveryStatus.SENT, DeliveryStatus.FAILED),
            "extra_query": f"status={status}&" if status else "",
        },
    )


@login_required
@require_POST
def delivery_resend_view(request, pk, delivery_pk):
    require_coordinator(request.user)
    delivery = get_object_or_404(Delivery, pk=delivery_pk, meeting_id=pk)
    try:
        delivery_resend(delivery=delivery, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("The e-mail to %(email)s is being sent again.") % {"email": delivery.email}
        )
    return redirect("meetings:delivery_log", pk=pk)
