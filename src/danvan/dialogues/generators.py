# ruff: noqa: RUF001
"""Synthetic dialogue conferences and petitions for `danvan demo` and `danvan generate`.

Every unit (the communes of the run, and at demo and national scale the provinces) gets a
yearly plan of dialogue conferences for the current year and the conferences of that year:
held ones with participants and minutes, a few cancelled, the rest of the year planned; about
a quarter of the units fall behind their plan. Every commune gets the petitions of the last
twelve months through every channel and field, those from conferences linked to the conference
where they were raised. What happened to a petition follows from its age and a drawn answer
delay: most are answered (about 80 % on time) and many closed, the late ones past the
escalation threshold were escalated, the ones still open past their deadline are overdue now;
a few were merged as duplicates, hidden as spam, or reopened when the citizen disputed the
answer. Petitions go to the unit's real agencies and, where a demo or generated officer works
there, to that officer.

Demo scale covers Quảng Ninh (the communes of old Đông Triều and Hải Hà) and the Đà Nẵng wards
formed from old Tam Kỳ, with a few thousand petitions; national scale gives every commune about
600 (about 2.000.000 for the country). Rows are drawn from seeded streams per unit and written in
bulk (COPY on PostgreSQL). A unit that has a conference plan for the current year is taken as
done and skipped whole, so running again adds nothing. Each province gets one summary audit row.

Everything is made up: names from the demo name lists, phone numbers starting with 0000 (no
operator's prefix) and citizen ID numbers starting with 000 (no province's code).
"""

import random
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as clock
from functools import lru_cache
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from danvan.accounts.models import RoleGrant, User
from danvan.audit import services as audit
from danvan.core import notifications, scope
from danvan.core.demo.bulk import between, copy_rows, fake_phone, pick, reserve_ids, search_text
from danvan.core.demo.bulk import vn_int as _vn_int
from danvan.core.demo.generators import existing_organisations, specs_for
from danvan.core.demo.names import (
    FAMILY_NAMES,
    GIVEN_NAMES_FEMALE,
    GIVEN_NAMES_MALE,
    MIDDLE_NAMES_FEMALE,
    MIDDLE_NAMES_MALE,
)
from danvan.core.demo.registry import GenerationRun, register
from danvan.dialogues import figures
from danvan.dialogues.models import (
    OPEN_STATES,
    Category,
    Channel,
    Conference,
    ConferencePlan,
    ConferenceStatus,
    DeadlineRule,
    OrganiserRole,
    Petition,
    PetitionStatus,
    Satisfaction,
)
from danvan.dialogues.services import conferences as conference_services
from danvan.dialogues.services.petitions import CODE_ALPHABET, CODE_LENGTH, format_code
from danvan.organisations.models import OrganisationKind
from danvan.territories.models import Level, Territory

S = PetitionStatus

# --- deadline rules --------------------------------------------------------------------------------

# (category, channel, days, note): the national defaults the demo and generated data use.
NATIONAL_RULES = (
    ("", "", 15, "Mặc định: trả lời kiến nghị trong 15 ngày."),
    (Category.LAND, "", 30, "Kiến nghị về đất đai, giải phóng mặt bằng: 30 ngày."),
    ("", Channel.HOTLINE, 10, "Phản ánh qua đường dây nóng: 10 ngày."),
    ("", Channel.PRESS, 10, "Phản ánh trên báo chí: 10 ngày."),
    (Category.ENVIRONMENT, "", 20, "Ô nhiễm môi trường: 20 ngày."),
)
# Quảng Ninh answers land petitions faster than the national rule asks.
PROVINCE_RULE = (22, Category.LAND, "", 20, "Quảng Ninh: kiến nghị đất đai trả lời trong 20 ngày.")


def ensure_rules(run: GenerationRun) -> int:
    """The national deadline rules and Quảng Ninh's override, through the rule service."""
    have = {(r.territory_id, r.category, r.channel) for r in DeadlineRule.objects.all()}
    created = 0
    for category, channel, days, note in NATIONAL_RULES:
        if (None, category, channel) not in have:
            conference_services.rule_save(
                actor=run.actor, category=category, channel=channel, days=days, note=note
            )
            created += 1
    code, category, channel, days, note = PROVINCE_RULE
    province = next((p for p in run.provinces if p.code == code), None)
    if province is not None and (province.pk, category, channel) not in have:
        conference_services.rule_save(
            actor=run.actor,
            territory=province,
            category=category,
            channel=channel,
            days=days,
            note=note,
        )
        created += 1
    return created


@dataclass(frozen=True)
class RuleBook:
    """The deadline rules in memory, chosen exactly as `services.deadlines.terms_for` does."""

    rules: tuple[tuple[str | None, str, str, int, int], ...]  # (path, category, channel, days, esc)

    @classmethod
    def load(cls) -> "RuleBook":
        rows = DeadlineRule.objects.values_list(
            "territory__path", "category", "channel", "days", "escalate_after_days"
        )
        return cls(tuple(rows))

    @lru_cache(maxsize=1 << 16)  # noqa: B019 (one book per run)
    def terms(self, scope_path: str, category: str, channel: str) -> tuple[int, int]:
        """(days, escalate_after_days) for a petition of this unit, field and channel."""
        best, best_key = None, None
        for path, rule_category, rule_channel, days, escalate in self.rules:
            if path is not None and not scope_path.startswith(path):
                continue
            if rule_category and rule_category != category:
                continue
            if rule_channel and rule_channel != channel:
                continue
            key = (
                len(path) if path else 0,
                (2 if rule_category else 0) + (1 if rule_channel else 0),
            )
            if best_key is None or key > best_key:
                best, best_key = (days, escalate), key
        return best or (15, 7)


# --- texts -----------------------------------------------------------------------------------------

# (title, content, answer) per field; {place} is a residential group or village, {unit} the
# commune or ward.
TEXTS = {
    Category.LAND: (
        (
            "Chậm chi trả tiền bồi thường dự án mở rộng đường qua {place}",
            "Gia đình tôi đã bàn giao mặt bằng cho dự án từ nhiều tháng trước nhưng đến nay vẫn "
            "chưa nhận đủ tiền bồi thường, hỗ trợ. Đề nghị {unit} kiểm tra, đôn đốc chủ đầu tư "
            "chi trả dứt điểm.",
            "Ủy ban nhân dân {unit} đã làm việc với Ban Quản lý dự án; kinh phí bồi thường còn "
            "lại đã được bố trí và sẽ chi trả cho các hộ trong tháng này. Đề nghị gia đình mang "
            "theo giấy tờ tùy thân đến nhận tại trụ sở.",
        ),
        (
            "Đề nghị cấp giấy chứng nhận quyền sử dụng đất cho các hộ tại {place}",
            "Nhiều hộ dân ở {place} sử dụng đất ổn định, không tranh chấp từ trước năm 1993 nhưng "
            "đến nay vẫn chưa được cấp giấy chứng nhận. Đề nghị hướng dẫn thủ tục và giải quyết.",
            "Trường hợp của các hộ đủ điều kiện cấp giấy chứng nhận lần đầu. Bộ phận một cửa đã "
            "hướng dẫn hồ sơ; sau khi nhận đủ hồ sơ, thời gian giải quyết không quá 20 ngày.",
        ),
        (
            "Giá đất tính bồi thường tại {place} thấp hơn giá thị trường",
            "Người dân {place} cho rằng đơn giá đất ở tính bồi thường thấp hơn nhiều so với giá "
            "chuyển nhượng thực tế trong khu vực. Đề nghị xem xét điều chỉnh cho phù hợp.",
            "Đơn giá được xác định theo bảng giá đất và hệ số điều chỉnh đã được Ủy ban nhân dân "
            "tỉnh phê duyệt. {unit} đã kiến nghị cơ quan chuyên môn rà soát lại; kết quả sẽ được "
            "công khai tại nhà văn hóa {place}.",
        ),
        (
            "Tranh chấp ranh giới đất giữa hai hộ tại {place}",
            "Hai hộ liền kề ở {place} tranh chấp khoảng 15 m² đất do ranh giới trên bản đồ địa "
            "chính khác với hiện trạng. Đề nghị chính quyền đến đo đạc và hòa giải.",
            "Tổ hòa giải cơ sở cùng công chức địa chính đã đo đạc hiện trạng và tổ chức hòa giải; "
            "hai hộ đã thống nhất ranh giới và ký biên bản.",
        ),
    ),
    Category.ENVIRONMENT: (
        (
            "Cơ sở chăn nuôi gây ô nhiễm tại {place}",
            "Trại chăn nuôi heo gần khu dân cư {place} xả nước thải ra mương chung, mùi hôi nồng "
            "nặc nhất là về đêm. Đề nghị kiểm tra và xử lý dứt điểm.",
            "Đoàn kiểm tra liên ngành đã lập biên bản, xử phạt vi phạm hành chính và yêu cầu cơ "
            "sở lắp đặt hệ thống xử lý nước thải trong 30 ngày; {unit} sẽ tái kiểm tra.",
        ),
        (
            "Rác thải không được thu gom thường xuyên ở {place}",
            "Xe thu gom rác chỉ đến {place} mỗi tuần một lần, rác tồn đọng ven đường gây mất vệ "
            "sinh. Đề nghị tăng số chuyến thu gom.",
            "Đơn vị thu gom đã bổ sung lịch thu gom 3 lần mỗi tuần tại {place} kể từ đầu tháng "
            "sau; đề nghị người dân để rác đúng giờ, đúng nơi quy định.",
        ),
        (
            "Khai thác cát trái phép trên sông gần {place}",
            "Ban đêm có tàu hút cát trên đoạn sông gần {place}, bờ sông bị sạt lở, ảnh hưởng đất "
            "sản xuất của người dân. Đề nghị ngăn chặn.",
            "Công an {unit} phối hợp lực lượng chức năng đã tuần tra, bắt giữ một phương tiện vi "
            "phạm và chuyển hồ sơ xử lý; lịch tuần tra ban đêm được duy trì.",
        ),
    ),
    Category.INFRASTRUCTURE: (
        (
            "Đường bê tông tại {place} xuống cấp nghiêm trọng",
            "Tuyến đường bê tông qua {place} bị bong tróc, nhiều ổ gà, mùa mưa đi lại rất khó "
            "khăn. Đề nghị đầu tư sửa chữa.",
            "Tuyến đường đã được đưa vào kế hoạch duy tu năm nay; {unit} vận động nhân dân cùng "
            "góp công, dự kiến thi công trong quý tới.",
        ),
        (
            "Ngập úng khi mưa lớn tại {place}",
            "Mương thoát nước dọc {place} bị bồi lấp, mỗi trận mưa lớn nước tràn vào nhà dân. "
            "Đề nghị nạo vét và mở rộng mương.",
            "{unit} đã tổ chức nạo vét toàn tuyến mương; việc mở rộng cống qua đường được đề xuất "
            "vào danh mục công trình năm sau.",
        ),
        (
            "Đề nghị lắp đèn chiếu sáng tuyến đường qua {place}",
            "Tuyến đường qua {place} chưa có đèn chiếu sáng, ban đêm tối, đã xảy ra va quẹt giao "
            "thông. Đề nghị lắp đèn.",
            "Đã lắp đặt 12 bộ đèn chiếu sáng bằng nguồn xã hội hóa và ngân sách {unit}; công trình "
            "đưa vào sử dụng từ tuần trước.",
        ),
    ),
    Category.SOCIAL_POLICY: (
        (
            "Đề nghị xem xét hộ cận nghèo cho gia đình tại {place}",
            "Gia đình tôi ở {place} có người ốm đau dài ngày, thu nhập thấp nhưng không có tên "
            "trong danh sách hộ cận nghèo. Đề nghị rà soát lại.",
            "Qua rà soát, gia đình đủ tiêu chí hộ cận nghèo; {unit} đã bổ sung vào danh sách và "
            "cấp thẻ bảo hiểm y tế theo quy định.",
        ),
        (
            "Chậm chi trả trợ cấp người cao tuổi tại {place}",
            "Một số cụ trên 80 tuổi ở {place} hai tháng nay chưa nhận trợ cấp xã hội. Đề nghị "
            "kiểm tra.",
            "Nguyên nhân do chuyển đổi hình thức chi trả qua tài khoản; đã chi trả đủ cho các cụ, "
            "những trường hợp chưa có tài khoản được nhận tiền mặt tại nhà.",
        ),
        (
            "Hỗ trợ sửa chữa nhà cho gia đình chính sách tại {place}",
            "Nhà của thân nhân liệt sĩ ở {place} đã xuống cấp, mái dột. Đề nghị hỗ trợ sửa chữa.",
            "Ủy ban Mặt trận Tổ quốc {unit} đã vận động quỹ “Vì người nghèo” hỗ trợ 40 triệu đồng "
            "sửa chữa nhà; công trình hoàn thành trước Tết.",
        ),
    ),
    Category.SECURITY: (
        (
            "Thanh thiếu niên tụ tập đua xe ban đêm tại {place}",
            "Gần đây thường xuyên có nhóm thanh niên tụ tập, nẹt pô, đua xe trên đường qua "
            "{place} sau 22 giờ. Đề nghị có biện pháp xử lý.",
            "Công an {unit} đã tăng cường tuần tra vào khung giờ trên, lập biên bản các trường "
            "hợp vi phạm và thông báo về gia đình, nhà trường.",
        ),
        (
            "Tiếng ồn từ quán karaoke tại {place}",
            "Quán karaoke tại {place} hoạt động quá 22 giờ, âm thanh lớn ảnh hưởng sinh hoạt "
            "của người dân xung quanh.",
            "Đã kiểm tra, nhắc nhở và xử phạt chủ cơ sở; cơ sở cam kết cách âm và đóng cửa đúng "
            "giờ quy định.",
        ),
    ),
    Category.ADMINISTRATION: (
        (
            "Thủ tục chứng thực tại bộ phận một cửa {unit} còn chậm",
            "Người dân phải chờ lâu khi chứng thực giấy tờ tại bộ phận một cửa, nhiều hôm hết số "
            "thứ tự từ sáng. Đề nghị bố trí thêm người.",
            "{unit} đã bố trí thêm một công chức vào buổi sáng và hướng dẫn nộp hồ sơ trực tuyến "
            "trên Cổng dịch vụ công để giảm thời gian chờ.",
        ),
        (
            "Đề nghị hướng dẫn đăng ký thường trú cho người từ nơi khác đến {place}",
            "Nhiều hộ mới chuyển đến {place} chưa rõ thủ tục đăng ký thường trú. Đề nghị có "
            "hướng dẫn cụ thể.",
            "Công an {unit} đã niêm yết hướng dẫn tại nhà văn hóa {place} và tổ chức một buổi "
            "tiếp nhận hồ sơ tại chỗ.",
        ),
    ),
    Category.ECONOMY: (
        (
            "Đề nghị hỗ trợ vốn vay phát triển sản xuất cho hộ dân {place}",
            "Nhiều hộ ở {place} muốn mở rộng chăn nuôi, trồng trọt nhưng khó tiếp cận vốn vay "
            "ưu đãi. Đề nghị hướng dẫn.",
            "Ngân hàng Chính sách xã hội đã phối hợp Hội Nông dân {unit} hướng dẫn thủ tục; 14 hộ "
            "đã được giải ngân trong đợt này.",
        ),
        (
            "Giá thu mua nông sản tại {place} bị ép giá",
            "Thương lái ép giá thu mua lúa, rau của người dân {place}. Đề nghị hỗ trợ kết nối "
            "tiêu thụ.",
            "{unit} đã kết nối hợp tác xã với hai doanh nghiệp bao tiêu sản phẩm theo hợp đồng; "
            "giá thu mua được công khai hằng tuần.",
        ),
    ),
    Category.CULTURE_HEALTH: (
        (
            "Trạm y tế {unit} thiếu thuốc bảo hiểm y tế",
            "Người bệnh mạn tính ở {place} phản ánh trạm y tế nhiều lần hết thuốc huyết áp, "
            "tiểu đường, phải mua ngoài.",
            "Trung tâm Y tế khu vực đã bổ sung cơ số thuốc cho trạm y tế; trạm y tế thông báo lịch "
            "cấp thuốc định kỳ cho người bệnh.",
        ),
        (
            "Đề nghị sửa chữa nhà văn hóa {place}",
            "Nhà văn hóa {place} xuống cấp, mùa mưa dột, không đủ chỗ cho các buổi sinh hoạt.",
            "Nhà văn hóa {place} được bố trí kinh phí sửa chữa mái và mở rộng hiên trong năm nay "
            "từ nguồn ngân sách và đóng góp của nhân dân.",
        ),
        (
            "Trường tiểu học tại {place} thiếu phòng học",
            "Học sinh ở {place} phải học ca ba vì thiếu phòng học. Đề nghị xây thêm phòng.",
            "{unit} đã đề xuất bổ sung 4 phòng học vào kế hoạch đầu tư công trung hạn; trước mắt "
            "bố trí mượn phòng của trường trung học cơ sở.",
        ),
    ),
    Category.OTHER: (
        (
            "Đề nghị công khai các khoản đóng góp tại {place}",
            "Người dân {place} đề nghị công khai việc thu, chi các khoản đóng góp tự nguyện trong "
            "năm để bà con được biết, được kiểm tra.",
            "Ban công tác Mặt trận {place} đã niêm yết công khai thu, chi tại nhà văn hóa và báo "
            "cáo trong cuộc họp dân gần nhất.",
        ),
    ),
}
REOPEN_NOTES = (
    "Tiền bồi thường vẫn chưa nhận đủ như trả lời.",
    "Thực tế tình trạng vẫn chưa được khắc phục.",
    "Câu trả lời chưa đúng nội dung gia đình kiến nghị.",
    "Đề nghị kiểm tra lại tại hiện trường.",
)
PARTLY_NOTES = ("Mong được giải quyết nhanh hơn.", "", "Cần thông báo cụ thể thời gian.")
CONFERENCE_TOPICS = (
    "Đối thoại với Nhân dân về công tác giải phóng mặt bằng và tái định cư",
    "Đối thoại giữa người đứng đầu cấp ủy, chính quyền với Nhân dân {unit}",
    "Đối thoại về xây dựng nông thôn mới, đô thị văn minh",
    "Đối thoại với đoàn viên, hội viên về chính sách an sinh xã hội",
    "Đối thoại về bảo vệ môi trường và thu gom rác thải",
    "Đối thoại về cải cách thủ tục hành chính và chuyển đổi số",
    "Đối thoại với thanh niên về việc làm và khởi nghiệp",
)
ORGANISERS = (
    (OrganiserRole.PARTY_SECRETARY, "Bí thư Đảng ủy", "party_committee"),
    (OrganiserRole.COMMITTEE_CHAIR, "Chủ tịch UBND", "peoples_committee"),
    (OrganiserRole.FRONT_CHAIR, "Chủ tịch Ủy ban MTTQ", "fatherland_front"),
    (OrganiserRole.COUNCIL_CHAIR, "Chủ tịch HĐND", "peoples_committee"),
)
CANCEL_REASONS = (
    "Hoãn do ảnh hưởng của bão, mưa lớn kéo dài.",
    "Trùng lịch tiếp công dân định kỳ của lãnh đạo; chuyển sang tháng sau.",
    "Hoãn để chuẩn bị thêm nội dung trả lời các kiến nghị đã tiếp nhận.",
)
AGENDA = (
    "1. Tuyên bố lý do, giới thiệu đại biểu.\n2. Báo cáo kết quả giải quyết kiến nghị kỳ trước.\n"
    "3. Nhân dân phát biểu, kiến nghị.\n4. Lãnh đạo trả lời, tiếp thu.\n5. Kết luận."
)
MINUTES = (
    "Hội nghị có {n} đại biểu và người dân tham dự. Đã có {k} ý kiến phát biểu, tập trung vào "
    "giải phóng mặt bằng, hạ tầng giao thông, môi trường và chính sách xã hội. Chủ trì hội nghị "
    "đã trả lời trực tiếp các ý kiến thuộc thẩm quyền; các kiến nghị còn lại được giao cơ quan "
    "chuyên môn giải quyết và trả lời người dân đúng thời hạn."
)
INVITED_OTHER = "Đại diện các tổ dân phố, thôn; Người có uy tín trong cộng đồng"
VILLAGE_WORDS_WARD = ("Tổ dân phố", "Khối phố", "Khu phố")
VILLAGE_WORDS_COMMUNE = ("Thôn", "Xóm", "Bản")

# Shares of channels and fields among petitions.
CHANNEL_SHARES = (
    (Channel.CONFERENCE, 0.18),
    (Channel.RECEPTION, 0.24),
    (Channel.PORTAL, 0.22),
    (Channel.LETTER, 0.14),
    (Channel.HOTLINE, 0.14),
    (Channel.PRESS, 0.08),
)
CATEGORY_SHARES = (
    (Category.LAND, 0.28),
    (Category.ENVIRONMENT, 0.11),
    (Category.INFRASTRUCTURE, 0.18),
    (Category.SOCIAL_POLICY, 0.13),
    (Category.SECURITY, 0.07),
    (Category.ADMINISTRATION, 0.09),
    (Category.ECONOMY, 0.05),
    (Category.CULTURE_HEALTH, 0.07),
    (Category.OTHER, 0.02),
)
ON_TIME_SHARE = 0.8  # of the petitions answered
STUCK_SHARE = 0.015  # nobody answers them: overdue for a long time
MERGED_SHARE = 0.02
SPAM_SHARE = {Channel.PORTAL: 0.05, Channel.HOTLINE: 0.01}
REOPEN_SHARE = 0.03  # of the petitions answered
RATED_SHARE = 0.55  # of the petitions answered, the citizen rates the answer
BEHIND_SHARE = 0.25  # units holding fewer conferences than their plan asks
PETITIONS_PER_COMMUNE = {"demo": (180, 320), "province": (350, 850), "national": (350, 850)}
HISTORY_DAYS = 365


def _cumulative(shares) -> tuple[tuple, tuple[float, ...]]:
    values, total, bounds = [], 0.0, []
    for value, share in shares:
        total += share
        values.append(value)
        bounds.append(total)
    return tuple(values), tuple(b / total for b in bounds)


CHANNELS = _cumulative(CHANNEL_SHARES)
CATEGORIES = _cumulative(CATEGORY_SHARES)


def _draw(table, rnd: float):
    values, bounds = table
    for value, bound in zip(values, bounds, strict=True):
        if rnd < bound:
            return value
    return values[-1]


def _person(rng: random.Random) -> str:
    if rng.random() < 0.5:
        middles, givens = MIDDLE_NAMES_MALE, GIVEN_NAMES_MALE
    else:
        middles, givens = MIDDLE_NAMES_FEMALE, GIVEN_NAMES_FEMALE
    return f"{pick(rng, FAMILY_NAMES)} {pick(rng, middles)} {pick(rng, givens)}"


def _id_number(rng: random.Random) -> str:
    # 12 digits as the format asks, but "000" is no province's code: never a real person's.
    return f"000{int(rng.random() * 1_000_000_000):09d}"


def _code(rng: random.Random) -> str:
    n = len(CODE_ALPHABET)
    return "".join(CODE_ALPHABET[int(rng.random() * n)] for _ in range(CODE_LENGTH))


def _is_ward(territory: Territory) -> bool:
    return territory.division_type.lower().startswith(("phường", "thị trấn", "đặc khu"))


def _unit_label(territory: Territory) -> str:
    return territory.name[:1].lower() + territory.name[1:]


def _places(territory: Territory, rng: random.Random) -> list[str]:
    words = VILLAGE_WORDS_WARD if _is_ward(territory) else VILLAGE_WORDS_COMMUNE
    word = pick(rng, words)
    return [f"{word} {n}" for n in range(1, 4 + int(rng.random() * 10))]


# --- drawing one unit --------------------------------------------------------------------------------


@dataclass
class Staff:
    """Who may receive a unit's petitions: agency primary keys by kind, officers by agency."""

    agencies: dict[str, int]
    officers: dict[int, list[int]] = field(default_factory=dict)
    province_departments: tuple[int, ...] = ()


@dataclass
class Drawn:
    plans: list[tuple] = field(default_factory=list)
    conferences: list[tuple] = field(default_factory=list)
    invited: list[tuple] = field(default_factory=list)
    petitions: list[tuple] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))


PLAN_COLUMNS = ("territory_id", "year", "planned_count", "note", "version", "updated_at")
CONFERENCE_COLUMNS = (
    "id", "territory_id", "organiser_role", "organiser_name", "organisation_id", "topic",
    "starts_at", "place", "invited_other", "agenda", "participants", "status", "cancel_reason",
    "minutes", "held_at", "minutes_published_at", "search_text", "version", "created_by_id",
    "created_at", "updated_at",
)  # fmt: skip
PETITION_COLUMNS = (
    "id", "code", "title", "content", "category", "channel", "conference_id", "territory_id",
    "address", "anonymous", "submitter_name", "submitter_id_number", "submitter_phone",
    "submitter_email", "consent_at", "received_at", "deadline", "status", "agency_id",
    "officer_id", "assigned_at", "answer", "answer_public", "answered_at", "answered_by_id",
    "closed_at", "satisfaction", "satisfaction_note", "reopen_count", "merged_into_id",
    "escalated_at", "reminder_stage", "status_note", "search_text", "source_hash", "version",
    "created_by_id", "created_at", "updated_at",
)  # fmt: skip


class Drawer:
    """Draws the conferences and petitions of one unit from its own seeded stream."""

    def __init__(self, run: GenerationRun, rules: RuleBook, now: datetime):
        self.run = run
        self.rules = rules
        self.now = now
        self.tz = ZoneInfo(settings.TIME_ZONE)
        self.today = timezone.localdate(now)
        self.year = self.today.year
        self.actor_id = getattr(run.actor, "pk", None)
        per_commune = PETITIONS_PER_COMMUNE.get(run.scale, PETITIONS_PER_COMMUNE["national"])
        self.per_commune = per_commune

    def at(self, day: date, rng: random.Random, *, start: int = 7, hours: int = 10) -> datetime:
        minutes = int(rng.random() * hours * 60)
        moment = datetime.combine(day, clock(start + minutes // 60, minutes % 60), tzinfo=self.tz)
        return moment if moment <= self.now else self.now - timedelta(minutes=5)

    # conferences

    def conferences(
        self, unit: Territory, staff: Staff, drawn: Drawn, next_id: int, rng: random.Random
    ) -> tuple[int, list[tuple[int, datetime]]]:
        """The unit's plan and conferences of this year; returns the next free primary key and
        (id, date) of the conferences held, where petitions are raised."""
        province = unit.level == Level.PROVINCE
        planned = rng.randint(4, 12) if province else rng.randint(2, 6)
        behind = rng.random() < BEHIND_SHARE
        note = "Theo Quy định 11-QĐi/TW và Luật Thực hiện dân chủ ở cơ sở."
        drawn.plans.append((unit.pk, self.year, planned, note, 1, self.now))
        start = date(self.year, 1, 1)
        span = (date(self.year, 12, 31) - start).days
        held = []
        unit_label = _unit_label(unit)
        places = _places(unit, rng)
        for i in range(planned):
            day = start + timedelta(days=int((i + 0.2 + rng.random() * 0.6) * span / planned))
            past = day < self.today
            if past and behind and rng.random() < 0.5:
                # A unit behind plan: the conference never took place (or was called off).
                if rng.random() < 0.7:
                    continue
                status = ConferenceStatus.CANCELLED
            elif past:
                status = (
                    ConferenceStatus.CANCELLED
                    if rng.random() < 0.05
                    else ConferenceStatus.MINUTES_PUBLISHED
                    if day < self.today - timedelta(days=14) or rng.random() < 0.3
                    else ConferenceStatus.HELD
                )
            else:
                status = ConferenceStatus.PLANNED
            role, title, kind = pick(rng, ORGANISERS)
            starts_at = datetime.combine(
                day, clock(pick(rng, (7, 8, 14, 19)), pick(rng, (0, 30))), tzinfo=self.tz
            )
            topic = pick(rng, CONFERENCE_TOPICS).format(unit=unit_label)
            if province:
                place = f"Hội trường Trung tâm Hội nghị {unit_label}"
            else:
                place = f"Nhà văn hóa {pick(rng, places)}, {unit_label}"
            participants = minutes = None
            held_at = published_at = None
            cancel_reason = ""
            if status in (ConferenceStatus.HELD, ConferenceStatus.MINUTES_PUBLISHED):
                participants = rng.randint(120, 400) if province else rng.randint(40, 220)
                held_at = starts_at + timedelta(hours=3)
                minutes = MINUTES.format(n=participants, k=rng.randint(8, 30))
                if status == ConferenceStatus.MINUTES_PUBLISHED:
                    published_at = min(
                        held_at + timedelta(days=rng.randint(2, 10)), self.now
                    )  # fmt: skip
                held.append((next_id, starts_at))
            elif status == ConferenceStatus.CANCELLED:
                cancel_reason = pick(rng, CANCEL_REASONS)
            organisation = staff.agencies.get(kind)
            drawn.conferences.append(
                (
                    next_id, unit.pk, role, f"{_person(rng)} – {title}", organisation, topic,
                    starts_at, place, INVITED_OTHER, AGENDA, participants, status, cancel_reason,
                    minutes or "", held_at, published_at, search_text(topic, place), 1,
                    self.actor_id, self.now, self.now,
                )
            )  # fmt: skip
            invited = {
                staff.agencies[k]
                for k in ("fatherland_front", "womens_union", "farmers_union", "peoples_committee")
                if k in staff.agencies and k != kind and rng.random() < 0.6
            }
            drawn.invited += [(next_id, org) for org in sorted(invited)]
            drawn.counts[f"conferences_{status}"] += 1
            next_id += 1
        drawn.counts["conferences"] = len(drawn.conferences)
        return next_id, held

    # petitions

    def agency_for(
        self, category: str, staff: Staff, rng: random.Random
    ) -> tuple[int | None, int | None]:
        rnd = rng.random()
        if (
            staff.province_departments
            and category in (Category.LAND, Category.ENVIRONMENT, Category.INFRASTRUCTURE)
            and rnd < 0.08
        ):
            return pick(rng, staff.province_departments), None
        if category == Category.LAND and "task_force" in staff.agencies:
            kind = "task_force"
        elif (
            category == Category.SOCIAL_POLICY
            and rnd < 0.4
            and "fatherland_front" in staff.agencies
        ):
            kind = "fatherland_front"
        else:
            kind = "peoples_committee"
        agency = staff.agencies.get(kind)
        officers = staff.officers.get(agency) if agency else None
        if not officers:
            # An officer of another agency of the unit takes some of the rest.
            staffed = [a for a in staff.officers if staff.officers[a]]
            if staffed and rng.random() < 0.3:
                agency = pick(rng, staffed)
                officers = staff.officers[agency]
        officer = pick(rng, officers) if officers and rng.random() < 0.85 else None
        return agency, officer

    def petitions(
        self,
        commune: Territory,
        staff: Staff,
        held: list[tuple[int, datetime]],
        drawn: Drawn,
        next_id: int,
        rng: random.Random,
    ) -> int:
        rnd = rng.random
        now, today, tz = self.now, self.today, self.tz
        unit = _unit_label(commune)
        places = _places(commune, rng)
        scope_path = commune.scope_path
        counts = drawn.counts
        first_day = today - timedelta(days=HISTORY_DAYS)
        recent_held = [(cid, at) for cid, at in held if at.date() >= first_day]
        by_category: dict[str, list[int]] = defaultdict(list)
        for _n in range(rng.randint(*self.per_commune)):
            pid = next_id
            next_id += 1
            channel = _draw(CHANNELS, rnd())
            category = _draw(CATEGORIES, rnd())
            conference_id = None
            if channel == Channel.CONFERENCE:
                if not recent_held:
                    channel = Channel.RECEPTION
                else:
                    conference_id, received_at = pick(rng, recent_held)
                    received_at += timedelta(minutes=30 + int(rnd() * 120))
            if conference_id is None:
                received_at = self.at(between(rng, first_day, today), rng)
            received = received_at.astimezone(tz).date()
            days, escalate_after = self.rules.terms(scope_path, category, channel)
            deadline = received + timedelta(days=days)
            place = pick(rng, places)
            title, content, answer_text = pick(rng, TEXTS[category])
            title = title.format(place=place, unit=unit)
            content = content.format(place=place, unit=unit)
            anonymous = rnd() < (0.25 if channel == Channel.PORTAL else 0.06)
            name = id_number = phone = email = ""
            consent_at = None
            if not anonymous:
                name = _person(rng)
                phone = fake_phone(rng) if rnd() < 0.8 else ""
                if channel in (Channel.RECEPTION, Channel.CONFERENCE) and rnd() < 0.5:
                    id_number = _id_number(rng)
                if channel == Channel.PORTAL:
                    consent_at = received_at
                    if rnd() < 0.4 or not phone:
                        email = f"nguoidan{pid}@example.com"
            status = S.RECEIVED
            agency = officer = None
            assigned_at = answered_at = closed_at = escalated_at = None
            answer = satisfaction = satisfaction_note = reminder_stage = status_note = ""
            reopen_count = 0
            merged_into = None
            answered_by = None
            spam_share = SPAM_SHARE.get(channel, 0.0)
            fate = rnd()
            if fate < spam_share:
                status = S.SPAM
                status_note = "Nội dung quảng cáo, không phải kiến nghị."
                consent_at = None
            elif fate < spam_share + MERGED_SHARE and by_category[category]:
                status = S.MERGED
                merged_into = pick(rng, by_category[category])
                status_note = "Trùng nội dung với kiến nghị đã tiếp nhận."
            else:
                # When the answer comes: most within the term, the rest some days late.
                if rnd() < STUCK_SHARE:
                    delay = 10_000
                elif rnd() < ON_TIME_SHARE:
                    delay = 1 + int(rnd() * days)
                else:
                    delay = days + 1 + int(rng.expovariate(1 / 6))
                answer_day = received + timedelta(days=delay)
                # Most are routed within two days; some wait over a weekend or longer.
                assign_delay = timedelta(hours=2 + rnd() * (46 if rnd() < 0.85 else 240))
                assigned_at = received_at + assign_delay
                if assigned_at > now:
                    assigned_at = None
                else:
                    agency, officer = self.agency_for(category, staff, rng)
                    if agency is None:
                        assigned_at = None
                if assigned_at is None:
                    status = S.RECEIVED
                elif answer_day <= today:
                    status = S.ANSWERED
                    answered_at = self.at(answer_day, rng)
                    if answered_at < assigned_at:
                        answered_at = assigned_at + timedelta(hours=1)
                    if answered_at > now:
                        answered_at = now
                    answer = answer_text.format(place=place, unit=unit)
                    answered_by = officer
                    if answer_day > deadline + timedelta(days=escalate_after):
                        escalated_at = self.at(deadline + timedelta(days=escalate_after), rng)
                        reminder_stage = "escalated"
                    elif answer_day > deadline:
                        reminder_stage = "overdue"
                    if rnd() < REOPEN_SHARE and answer_day + timedelta(days=3) < today:
                        # The citizen disputes the answer: a new deadline from the reopening.
                        reopened = between(
                            rng,
                            answer_day + timedelta(days=2),
                            min(today, answer_day + timedelta(days=20)),
                        )
                        reopen_count = 1
                        deadline = reopened + timedelta(days=days)
                        escalated_at = None
                        reminder_stage = ""
                        status = S.IN_PROGRESS
                        satisfaction = Satisfaction.DISSATISFIED
                        satisfaction_note = pick(rng, REOPEN_NOTES)
                        status_note = satisfaction_note
                        again = reopened + timedelta(days=1 + int(rnd() * days))
                        if again <= today and rnd() < 0.6:
                            status = S.ANSWERED
                            answered_at = self.at(again, rng)
                            satisfaction = satisfaction_note = ""
                            answer += " Đã kiểm tra lại tại hiện trường theo phản ánh của công dân."
                    if status == S.ANSWERED:
                        if not reopen_count and rnd() < RATED_SHARE:
                            satisfaction = (
                                Satisfaction.SATISFIED if rnd() < 0.75 else Satisfaction.PARTLY
                            )
                            if satisfaction == Satisfaction.PARTLY:
                                satisfaction_note = pick(rng, PARTLY_NOTES)
                        closes = answer_day + timedelta(days=7 + int(rnd() * 23))
                        if closes <= today and rnd() < 0.8:
                            status = S.CLOSED
                            closed_at = self.at(closes, rng)
                            if closed_at < answered_at:
                                closed_at = answered_at + timedelta(hours=1)
                else:
                    started = assigned_at + timedelta(days=1 + rnd() * 4)
                    status = S.IN_PROGRESS if started <= now else S.ASSIGNED
                if status in OPEN_STATES:
                    if deadline < today - timedelta(days=escalate_after):
                        escalated_at = self.at(deadline + timedelta(days=escalate_after), rng)
                        reminder_stage = "escalated"
                    elif deadline < today:
                        reminder_stage = "overdue"
                    elif deadline <= today + timedelta(days=3):
                        reminder_stage = "due_soon"
                    else:
                        reminder_stage = ""
                    if deadline < today:
                        counts["overdue_now"] += 1
                if status not in (S.MERGED, S.SPAM):
                    by_category[category].append(pid)
            counts[f"petitions_{status}"] += 1
            if escalated_at is not None:
                counts["escalated"] += 1
            if answered_at is not None and status != S.IN_PROGRESS:
                counts[
                    "answered_on_time"
                    if answered_at.astimezone(tz).date() <= deadline
                    else "answered_late"
                ] += 1
            address = f"{place}, {unit}"
            drawn.petitions.append(
                (
                    pid, _code(rng), title, content, category, channel, conference_id, commune.pk,
                    address, anonymous, name, id_number, phone, email, consent_at, received_at,
                    deadline, status, agency, officer, assigned_at, answer,
                    rnd() < 0.9, answered_at, answered_by, closed_at, satisfaction,
                    satisfaction_note, reopen_count, merged_into, escalated_at, reminder_stage,
                    status_note, search_text(title, content, limit=None), "", 1, self.actor_id,
                    received_at, now,
                )
            )  # fmt: skip
        counts["petitions"] = len(drawn.petitions)
        return next_id


# --- writing ---------------------------------------------------------------------------------------


class Writer:
    def __init__(self, run: GenerationRun):
        self.run = run
        self.now = timezone.now()
        self.drawer = Drawer(run, RuleBook.load(), self.now)
        self.kinds = dict(OrganisationKind.objects.values_list("code", "pk"))
        self.handle_roles = set(scope.rule("dialogues.handle").roles)

    def done(self, units: list[Territory]) -> set[int]:
        """Units that have a plan for this year: generated before (or planned by hand)."""
        year = self.drawer.year
        return set(
            ConferencePlan.objects.filter(
                year=year, territory_id__in=[u.pk for u in units]
            ).values_list("territory_id", flat=True)
        )

    def staff(self, province: Territory, communes: list[Territory]) -> dict[int, Staff]:
        """Agencies and handling officers of the province and each commune, by territory id."""
        keys = existing_organisations(specs_for(province, communes, self.run.seed), self.kinds)
        units = {f"p{province.code}": province, **{f"c{c.code}": c for c in communes}}
        result = {u.pk: Staff(agencies={}) for u in units.values()}
        departments = []
        for key, pk in keys.items():
            prefix, _sep, rest = key.partition(":")
            unit = units.get(prefix)
            if unit is None:
                continue
            kind = rest.split(":", 1)[0]
            result[unit.pk].agencies.setdefault(kind, pk)
            if unit.level == Level.PROVINCE and kind == "government_department":
                departments.append(pk)
        org_unit = {pk: units[key.partition(":")[0]] for key, pk in keys.items()}
        grants = defaultdict(list)
        for user_id, org_id, path in RoleGrant.objects.filter(
            Q(domain="") | Q(domain=scope.rule("dialogues.handle").domain),
            user__organisation_id__in=list(org_unit),
            user__is_active=True,
            role__in=self.handle_roles,
        ).values_list("user_id", "user__organisation_id", "territory__path"):
            grants[(user_id, org_id)].append(path)
        for (user_id, org_id), paths in sorted(grants.items()):
            unit = org_unit[org_id]
            if any(p is None or unit.scope_path.startswith(p) for p in paths):
                result[unit.pk].officers.setdefault(org_id, []).append(user_id)
        for unit_staff in result.values():
            unit_staff.province_departments = tuple(sorted(departments))
        return result

    def write_province(
        self, province: Territory, communes: list[Territory], *, with_province: bool
    ) -> dict:
        run = self.run
        units = ([province] if with_province else []) + communes
        done = self.done(units)
        todo = [u for u in units if u.pk not in done]
        counts: dict[str, int] = defaultdict(int)
        if not todo:
            return counts
        staff = self.staff(province, communes)
        for chunk in run.chunked(todo, 50):
            drawn_units = []
            for unit in chunk:
                drawn = Drawn()
                drawn_units.append((unit, drawn, run.rng(f"dialogues:{unit.era}:{unit.code}")))
            # Conferences first (their keys are needed by the petitions raised there).
            conference_rows: list = []
            held_by_unit = {}
            next_conference = None
            # Reserve once a chunk: at most 12 conferences a unit.
            next_conference = reserve_ids(Conference, 12 * len(chunk))
            for unit, drawn, rng in drawn_units:
                next_conference, held = self.drawer.conferences(
                    unit, staff[unit.pk], drawn, next_conference, rng
                )
                held_by_unit[unit.pk] = held
                conference_rows += drawn.conferences
            high = PETITIONS_PER_COMMUNE.get(run.scale, PETITIONS_PER_COMMUNE["national"])[1]
            communes_here = [d for d in drawn_units if d[0].level != Level.PROVINCE]
            next_petition = reserve_ids(Petition, high * len(communes_here))
            for unit, drawn, rng in communes_here:
                next_petition = self.drawer.petitions(
                    unit, staff[unit.pk], held_by_unit[unit.pk], drawn, next_petition, rng
                )
            plans = [row for _u, d, _r in drawn_units for row in d.plans]
            invited = [row for _u, d, _r in drawn_units for row in d.invited]
            petitions = [row for _u, d, _r in drawn_units for row in d.petitions]
            batch = run.batch_size
            copy_rows(Conference, CONFERENCE_COLUMNS, conference_rows, batch_size=batch)
            copy_rows(
                Conference.invited.through,
                ("conference_id", "organisation_id"),
                invited,
                batch_size=batch,
            )
            copy_rows(Petition, PETITION_COLUMNS, petitions, batch_size=batch)
            # The plan last: it marks the unit as done.
            copy_rows(ConferencePlan, PLAN_COLUMNS, plans, batch_size=batch)
            counts["plans"] += len(plans)
            for _u, drawn, _r in drawn_units:
                for key, value in drawn.counts.items():
                    if key not in ("petitions", "conferences"):
                        counts[key] += value
                counts["conferences"] += len(drawn.conferences)
                counts["petitions"] += len(drawn.petitions)
        return counts

    def audit(self, province: Territory, counts: dict[str, int], label: str) -> None:
        """One summary row per province and run: what was generated there."""
        if not counts.get("plans"):
            return
        audit.record(
            [
                audit.Change(
                    action=audit.Action.IMPORT,
                    object_type="dialogues.petition",
                    object_repr=(
                        f"{label}: {_vn_int(counts.get('conferences', 0))} hội nghị đối thoại, "
                        f"{_vn_int(counts.get('petitions', 0))} kiến nghị (dữ liệu mẫu)"
                    )[:255],
                    territory_id=province.pk,
                    changes={
                        name: [None, value] for name, value in sorted(counts.items()) if value
                    },
                )
            ],
            actor=self.run.actor,
        )


# --- the demo's bell -------------------------------------------------------------------------------

DEMO_OFFICERS = ("tiepdan.tamky", "canbo.tamky", "canbo.dongtrieu")


def demo_notifications(now: datetime) -> int:
    """A few notifications for the demo officers, so the bell shows something; keyed, so a
    second run adds none."""
    sent = 0
    today = timezone.localdate(now)
    for user in User.objects.filter(username__in=DEMO_OFFICERS):
        mine = Petition.objects.filter(officer=user, status__in=OPEN_STATES)
        picks = [
            ("dialogues.assigned", mine.filter(deadline__gt=today + timedelta(days=3)), "assigned"),
            (
                "dialogues.due_soon",
                mine.filter(deadline__gte=today, deadline__lte=today + timedelta(days=3)),
                "due_soon",
            ),
            ("dialogues.overdue", mine.filter(deadline__lt=today), "overdue"),
        ]
        for kind, rows, stage in picks:
            for petition in rows.order_by("deadline", "pk")[:2]:
                labels = {
                    "code": format_code(petition.code),
                    "deadline": petition.deadline.strftime("%d/%m/%Y"),
                }
                # The very titles the services and the reminder scan use.
                title = {
                    "assigned": _("Petition %(code)s assigned to you, due %(deadline)s"),
                    "due_soon": _("Petition %(code)s is due on %(deadline)s"),
                    "overdue": _("Petition %(code)s is overdue (deadline %(deadline)s)"),
                }[stage] % labels
                sent += notifications.notify(
                    [user],
                    kind=kind,
                    title=title,
                    body=petition.title,
                    url=reverse("dialogues:petition_detail", args=[petition.pk]),
                    key=f"petition:{petition.pk}:{stage}:{petition.deadline.isoformat()}",
                    now=now,
                )
    return sent


# --- entry point -------------------------------------------------------------------------------------

REPORTED = ("plans", "conferences", "petitions", "overdue_now", "escalated")


@register("dialogues", order=400)
def generate_dialogues(run: GenerationRun) -> dict[str, int]:
    """Deadline rules, conference plans, conferences and petitions with what became of them."""
    started = time.perf_counter()
    with transaction.atomic():
        rules = ensure_rules(run)
    writer = Writer(run)
    communes_of: dict[int, list[Territory]] = defaultdict(list)
    for commune in run.communes:
        communes_of[commune.province_code].append(commune)
    total: dict[str, int] = defaultdict(int)
    total["rules"] = rules
    for province in run.provinces:
        communes = communes_of.get(province.code, [])
        # The demo tells the story of Tam Kỳ in Đà Nẵng, not of the whole city.
        with_province = run.scale != "demo" or province.code == 22
        begun = time.perf_counter()
        with transaction.atomic():
            counts = writer.write_province(province, communes, with_province=with_province)
            writer.audit(province, counts, province.name)
        for key, value in counts.items():
            total[key] += value
        if run.scale != "demo" or counts:
            run.say(
                f"  {province.name}: {_vn_int(counts.get('petitions', 0))} petitions, "
                f"{_vn_int(counts.get('conferences', 0))} conferences "
                f"({time.perf_counter() - begun:.1f} s)"
            )
    if run.scale == "demo":
        with transaction.atomic():
            total["notifications"] = demo_notifications(writer.now)
    # The petitions went in by bulk insert, past the per-save recount: count them all again.
    begun = time.perf_counter()
    total["figure_rows"] = figures.rebuild()
    run.say(f"  petition figures: {time.perf_counter() - begun:.1f} s")
    run.say(f"  dialogues: {time.perf_counter() - started:.1f} s")
    reported = {name: total.get(name, 0) for name in REPORTED}
    reported.update({k: v for k, v in sorted(total.items()) if k not in reported})
    return reported
