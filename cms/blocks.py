from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock

# Rich text editors across the site offer the same small set of features, so what staff
# can put on a page is what the design system styles.
RICH_TEXT_FEATURES = ["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link"]


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Heading"), max_length=200)
    level = blocks.ChoiceBlock(
        choices=[("h2", _("Level 2")), ("h3", _("Level 3"))], default="h2", label=_("Level")
    )

    class Meta:
        icon = "title"
        template = "cms/blocks/heading.html"


class DocumentBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("Document"))
    title = blocks.CharBlock(label=_("Link text"), required=False)

    class Meta:
        icon = "doc-full"
        template = "cms/blocks/document.html"


class FaqItemBlock(blocks.StructBlock):
    question = blocks.CharBlock(label=_("Question"), max_length=300)
    answer = blocks.RichTextBlock(label=_("Answer"), features=RICH_TEXT_FEATURES)


class FaqBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"), default="Frequently asked questions")
    items = blocks.ListBlock(FaqItemBlock(), label=_("Questions"))

    class Meta:
        icon = "help"
        template = "cms/blocks/faq.html"


class KeyDateBlock(blocks.StructBlock):
    label = blocks.CharBlock(label=_("What"), max_length=200)
    date = blocks.DateBlock(label=_("Date"))
    note = blocks.CharBlock(label=_("Note"), required=False, max_length=200)


class KeyDatesBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"), default="Key dates")
    dates = blocks.ListBlock(KeyDateBlock(), label=_("Dates"))

    class Meta:
        icon = "date"
        template = "cms/blocks/key_dates.html"


class BodyBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(label=_("Rich text"), features=RICH_TEXT_FEATURES)
    document = DocumentBlock()
    faq = FaqBlock()
    key_dates = KeyDatesBlock()


# The convening page's agenda and resources (issue 7).


class AgendaItemBlock(blocks.StructBlock):
    starts = blocks.TimeBlock(label=_("Starts"))
    ends = blocks.TimeBlock(label=_("Ends"), required=False)
    title = blocks.CharBlock(label=_("Item"), max_length=200)
    description = blocks.TextBlock(label=_("Description"), required=False)

    class Meta:
        icon = "time"
        template = "cms/blocks/agenda_item.html"


class AgendaBlock(blocks.StreamBlock):
    item = AgendaItemBlock()


class ResourceLinkBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Link text"), max_length=200)
    url = blocks.URLBlock(label=_("Address"))
    note = blocks.CharBlock(label=_("Note"), required=False, max_length=300)

    class Meta:
        icon = "link"
        template = "cms/blocks/resource_link.html"


class ResourcesBlock(blocks.StreamBlock):
    document = DocumentBlock()
    link = ResourceLinkBlock()
