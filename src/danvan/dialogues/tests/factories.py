"""Factories for conferences and petitions. Rows are built directly; tests of the rules go
through the services."""

from datetime import timedelta

import factory
from django.utils import timezone

from danvan.core.search import search_key
from danvan.dialogues.models import (
    Category,
    Channel,
    Conference,
    ConferencePlan,
    OrganiserRole,
    Petition,
)
from danvan.dialogues.services.petitions import new_code
from danvan.territories.tests.factories import CommuneFactory


class ConferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Conference
        skip_postgeneration_save = True

    territory = factory.SubFactory(CommuneFactory)
    organiser_role = OrganiserRole.PARTY_SECRETARY
    organiser_name = "Nguyễn Văn Bí Thư"
    topic = factory.Sequence(lambda n: f"Đối thoại về giải phóng mặt bằng đợt {n}")
    starts_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=7))
    place = "Hội trường UBND phường"
    search_text = factory.LazyAttribute(lambda o: search_key(o.topic, o.place))


class ConferencePlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConferencePlan

    territory = factory.SubFactory(CommuneFactory)
    year = factory.LazyFunction(lambda: timezone.localdate().year)
    planned_count = 4


class PetitionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Petition

    code = factory.LazyFunction(new_code)
    title = factory.Sequence(lambda n: f"Đường kiệt số {n} ngập nước khi mưa")
    content = "Đề nghị nạo vét mương thoát nước dọc đường kiệt, mỗi lần mưa lớn nước tràn vào nhà."
    category = Category.INFRASTRUCTURE
    channel = Channel.RECEPTION
    territory = factory.SubFactory(CommuneFactory)
    address = "Tổ 5, khối phố 2"
    submitter_name = factory.Sequence(lambda n: f"Lê Thị Dân {n}")
    submitter_id_number = factory.Sequence(lambda n: f"0491{n:08d}")
    submitter_phone = factory.Sequence(lambda n: f"0000{n:06d}")
    received_at = factory.LazyFunction(timezone.now)
    deadline = factory.LazyAttribute(
        lambda o: timezone.localdate(o.received_at) + timedelta(days=15)
    )
    search_text = factory.LazyAttribute(lambda o: search_key(o.title, o.content))


def petition_data(territory, **changes):
    """What an officer types into the petition form, for tests of the services."""
    from danvan.dialogues.services.petitions import PetitionData

    values = {
        "title": "Đèn đường tổ 3 hỏng",
        "content": "Đèn đường ở tổ 3 đã hỏng hơn một tháng nay, buổi tối rất tối và nguy hiểm.",
        "category": Category.INFRASTRUCTURE,
        "channel": Channel.RECEPTION,
        "territory": territory,
        "submitter_name": "Trần Văn A",
    }
    values.update(changes)
    return PetitionData(**values)
