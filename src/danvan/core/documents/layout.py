"""Measurements shared by the DOCX and PDF writers (Decree 30/2020, Appendix I)."""

PAGE_WIDTH_MM = 210
PAGE_HEIGHT_MM = 297
MARGIN_TOP_MM = 20
MARGIN_BOTTOM_MM = 20
MARGIN_LEFT_MM = 30
MARGIN_RIGHT_MM = 15
HEADER_DISTANCE_MM = 10  # the page number sits in the top margin
TEXT_WIDTH_MM = PAGE_WIDTH_MM - MARGIN_LEFT_MM - MARGIN_RIGHT_MM

# The header and signature areas are two columns: issuer / motto and recipients / signer.
# The header reaches into the left margin, as in the decree's samples, so that the national
# name fits on one line and the issuer's name wraps less.
HEADER_OUTDENT_MM = 8
HEADER_LEFT_MM = 76
HEADER_RIGHT_MM = TEXT_WIDTH_MM + HEADER_OUTDENT_MM - HEADER_LEFT_MM
FOOT_LEFT_MM = 80
FOOT_RIGHT_MM = TEXT_WIDTH_MM - FOOT_LEFT_MM

FIRST_LINE_INDENT_MM = 12.7
SIGNATURE_SPACE_MM = 25  # room for the signature and the seal

# Font sizes in points.
SIZE_HEADER = 13  # parent body, issuer, national name, number
SIZE_MOTTO = 14
SIZE_PARTY_NAME = 15
SIZE_DATE = 14
SIZE_TITLE = 14  # document type and summary
SIZE_BODY = 14
SIZE_TABLE = 12
SIZE_SIGNER = 14
SIZE_RECIPIENTS_LABEL = 12
SIZE_RECIPIENTS = 11
# Party documents (Guidance 36-HD/VPTW) underline a larger "Nơi nhận:" and list in 12 pt.
SIZE_PARTY_RECIPIENTS_LABEL = 14
SIZE_PARTY_RECIPIENTS = 12
SIZE_PAGE_NUMBER = 13

BODY_SPACE_AFTER_PT = 6
LINE_SPACING = 1.15
