"""Pages: the model rendered through Jinja templates into (url, html) pairs.

Context every template receives (the only place it is documented):
  site        the Site
  page        Page: url (site-root-relative), title, kind, breadcrumbs [(title, url|None)]
  url(target, anchor=None)  relative link from this page to a model object or a site path
  asset(path) relative link to a file under static/
Page templates add:
  index.html      types_count [(DocType, n)], gazettes [Document], latest [Document]
  documents.html  documents [Document], types [DocType], issuers [str]
  document.html   doc (Document), gazette (Document|None), items [Document] (gazette issues),
                  source (SourceText)
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context

from . import urls
from .model import Document, Site


@dataclass
class Page:
    url: str
    title: str
    kind: str
    breadcrumbs: list[tuple[str, str | None]] = field(default_factory=list)


def _cn_date(value: dt.date | None) -> str:
    return f"{value.year}年{value.month}月{value.day}日" if value else ""


def make_environment(templates: Path) -> Environment:
    env = Environment(loader=FileSystemLoader(str(templates)), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                      keep_trailing_newline=True)

    @pass_context
    def url(context, target, anchor: str | None = None) -> str:
        to = target if isinstance(target, str) else urls.url_for(target)
        return urls.relative_url(context["page"].url, to, anchor)

    @pass_context
    def asset(context, path: str) -> str:
        return urls.relative_url(context["page"].url, f"static/{path}")

    env.globals.update(url=url, asset=asset, urls=urls)
    env.filters["cn_date"] = _cn_date
    return env


def render_pages(site: Site, env: Environment) -> list[tuple[str, str]]:
    """Every page of the site as (url, html), in a stable order."""
    pages: list[tuple[str, str]] = []

    def emit(template: str, page: Page, **context) -> None:
        html = env.get_template(template).render(site=site, page=page, **context)
        pages.append((page.url, html))

    documents = site.documents_sorted()
    counts = {name: sum(1 for d in documents if d.type == name) for name in site.types}
    emit("index.html", Page(urls.HOME, site.title, "home"),
         types_count=[(t, counts[t.name]) for t in site.types.values() if counts[t.name]],
         gazettes=[d for d in documents if d.type == "公报"],
         latest=[d for d in documents if d.type != "公报"][:8])
    issuers = sorted({d.issuer for d in documents if d.issuer})
    emit("documents.html", Page(urls.DOCUMENTS, "文件", "documents",
                                [("首页", urls.HOME), ("文件", None)]),
         documents=documents, types=[t for t in site.types.values() if counts[t.name]], issuers=issuers)
    for doc in documents:
        gazette = site.documents.get(doc.gazette) if doc.gazette else None
        crumbs = [("首页", urls.HOME), ("文件", urls.DOCUMENTS)]
        if gazette:
            crumbs.append((gazette.title, urls.url_for(gazette)))
        crumbs.append((doc.title, None))
        emit("document.html", Page(urls.url_for(doc), doc.title, "document", crumbs),
             doc=doc, gazette=gazette,
             items=site.gazette_items(doc.id) if doc.type == "公报" else [],
             source=site.sources[doc.source])
    return pages


def document_record(doc: Document) -> dict:
    """A document as listed in data/documents.json."""
    number = doc.doc_number
    return {
        "id": doc.id,
        "title": doc.title,
        "doc_number": str(number) if number else None,
        "doc_number_parts": ({"prefix": number.prefix, "year": number.year, "number": number.number}
                             if number else None),
        "issuer": doc.issuer,
        "date": doc.sort_date.isoformat() if doc.sort_date else None,
        "written": doc.date.isoformat() if doc.date else None,
        "published": doc.published.isoformat() if doc.published else None,
        "type": doc.type,
        "gazette": doc.gazette,
        "source": f"sources/{doc.source}",
        "url": urls.url_for(doc),
    }
