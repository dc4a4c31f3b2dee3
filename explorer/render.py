"""Pages: the model rendered through Jinja templates into (url, html) pairs. What each
template receives is documented in docs/architecture.md (Templates).
"""
from __future__ import annotations

import datetime as dt
import functools
import itertools
import re
import traceback
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from jinja2 import (BytecodeCache, Environment, FileSystemLoader, StrictUndefined, TemplateError,
                    TemplateNotFound, TemplateSyntaxError, pass_context)
from markupsafe import Markup

from . import urls, validity
from .errors import ContentError
from .model import AGENCY_CATEGORIES, Agency, Collection, Document, Site, Task
from .relations import agency_tasks, coverage_reports, domain_chart, wording_diff
from .search import KINDS as search_kinds


@dataclass
class Page:
    url: str
    title: str
    kind: str
    breadcrumbs: list[tuple[str, str | None]] = field(default_factory=list)
    description: str = ""   # for search engines and share previews; the site's own when empty


@dataclass(frozen=True)
class Place:
    """What a part shared by the pages of a folder sees of them (render's shared())."""
    url: str    # the folder, ending in "/" ("" at the top): links are made relative to it
    kind: str


def _cn_date(value: dt.date | None) -> str:
    return f"{value.year}年{value.month}月{value.day}日" if value else ""


class CompiledTemplates(BytecodeCache):
    """Templates compiled, by their source: serve's new environment after a template edit
    compiles only the templates that changed."""

    def __init__(self):
        self.codes: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        if bucket.key in self.codes:
            bucket.bytecode_from_string(self.codes[bucket.key])   # refused by Jinja if the source changed

    def dump_bytecode(self, bucket) -> None:
        self.codes[bucket.key] = bucket.bytecode_to_string()


def make_environment(templates: Path, compiled: CompiledTemplates | None = None) -> Environment:
    """The one Jinja environment. auto_reload is off: a build never sees a template change
    (serve makes a new environment when one changes), and each include would stat its file."""
    env = Environment(loader=FileSystemLoader(str(templates)), autoescape=True, auto_reload=False,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                      keep_trailing_newline=True, bytecode_cache=compiled)

    @pass_context
    def url(context, target, anchor: str | None = None) -> str:
        to = target if isinstance(target, str) else urls.url_for(target)
        return urls.relative_url(context["page"].url, to, anchor)

    @pass_context
    def domain_link(context, collection, domain: str) -> str:
        index = collection.domains().index(domain) + 1
        return urls.relative_url(context["page"].url, urls.domain_url(collection, index))

    @pass_context
    def root(context) -> str:
        """Prefix from this page to the site root ("" or "../"), for scripts that build links."""
        return urls.relative_url(context["page"].url, urls.HOME)[: -len(urls.HOME)]

    @pass_context
    def asset(context, path: str) -> str:
        return urls.relative_url(context["page"].url, f"static/{path}")

    parts: dict[tuple[str, str, str], Markup] = {}   # an environment per build: no part outlives its build

    @pass_context
    def shared(context, name: str) -> Markup:
        page = context["page"]
        folder = page.url.rpartition("/")[0]
        key = (name, folder, page.kind)
        if key not in parts:
            place = Place(f"{folder}/" if folder else "", page.kind)
            parts[key] = Markup(env.get_template(name).render(site=context["site"], page=place))
        return parts[key]

    env.globals.update(url=url, asset=asset, urls=urls, domain_link=domain_link, root=root, shared=shared,
                       task_csv_url=urls.task_csv_url,
                       relation_kinds=validity.RELATION_KINDS, category_name=category_name)
    env.filters["cn_date"] = _cn_date
    return env


@dataclass
class PageSpec:
    """One page to render: its template, the page and what else the template receives;
    `later` holds what is worked out only when the page renders (the wording diffs of a
    task page: by whichever process renders it)."""
    template: str
    page: Page
    context: dict
    later: dict[str, Callable[[], object]] = field(default_factory=dict)


def render_page(env: Environment, site: Site, spec: PageSpec) -> str:
    later = {name: work() for name, work in spec.later.items()}
    return env.get_template(spec.template).render(site=site, page=spec.page, **spec.context, **later)


def compile_templates(env: Environment, folder: Path) -> list[ContentError]:
    """Every template compiled once before any page is rendered: a syntax error or an
    unreadable file is reported at its line, not as a traceback from a render worker."""
    errors = []
    for name in env.list_templates():
        try:
            env.get_template(name)
        except TemplateSyntaxError as exc:
            errors.append(ContentError(_template_path(folder, exc.filename or name), exc.lineno,
                                       f"template syntax error: {exc.message}"))
        except OSError as exc:
            errors.append(ContentError(_template_path(folder, name), None, f"cannot read template: {exc.strerror}"))
    return errors


def template_error(exc: Exception, folder: Path, page_url: str) -> ContentError | None:
    """An error raised while a template rendered, at the template line it came from (Jinja
    gives template frames their file and line); None when it came from Python code."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__)
              if f.filename and Path(f.filename).is_relative_to(folder)]
    if isinstance(exc, TemplateNotFound):
        message = f"template not found: {exc.name}"
    elif frames or isinstance(exc, TemplateError):
        message = f"{type(exc).__name__}: {exc}"
    else:
        return None
    path, line = (frames[-1].filename, frames[-1].lineno) if frames else (str(folder), None)
    return ContentError(_template_path(folder, path), line, f"{message} (rendering {page_url})")


def _template_path(folder: Path, name: str) -> str:
    path = Path(name) if Path(name).is_absolute() else folder / name
    return f"{folder.name}/{path.relative_to(folder).as_posix()}" if path.is_relative_to(folder) else str(path)


def page_specs(site: Site) -> list[PageSpec]:
    """Every page of the site, not yet rendered, in a stable order."""
    pages: list[PageSpec] = []

    def emit(template: str, page: Page, later: dict | None = None, **context) -> None:
        pages.append(PageSpec(template, page, context, later or {}))

    documents = site.documents_sorted()
    counts = {name: sum(1 for d in documents if d.type == name) for name in site.types}
    emit("index.html", Page(urls.HOME, site.title, "home"), coverage=coverage_reports(site),
         types_count=[(t, counts[t.name]) for t in site.types.values() if counts[t.name]],
         gazettes=[d for d in documents if site.role(d) == "issue"],
         latest=[d for d in documents if site.role(d) != "issue"][:8])
    emit("404.html", Page(urls.NOT_FOUND, "页面不存在", "not-found"))
    emit("data.html", Page(urls.DATA, "数据下载", "data", [("首页", urls.HOME), ("数据下载", None)]),
         counts=_data_counts(site), csv_head=TASK_CSV_HEAD, as_of=site.as_of)
    emit("search.html", Page(urls.SEARCH, "搜索", "search", [("首页", urls.HOME), ("搜索", None)]),
         collections=list(site.collections.values()), kinds=list(search_kinds.values()))
    issuers = Counter(name for d in documents for name in issuers_of(d))
    topics = Counter(d.topic for d in documents if d.topic)
    years = Counter(d.sort_date.year for d in documents if d.sort_date)
    carried = Counter(d.source for d in documents)
    # a source is named after the issue it holds, else its first document
    title_of_source: dict[str, str] = {}
    for doc in sorted(documents, key=lambda d: (site.role(d) != "issue", d.source_lines or (0, 0), d.id)):
        title_of_source.setdefault(doc.source, doc.title)
    emit("documents.html", Page(urls.DOCUMENTS, "文件", "documents",
                                [("首页", urls.HOME), ("文件", None)]),
         documents=documents[:LIST_PAGE], total=len(documents), page_size=LIST_PAGE,
         types=[(t, counts[t.name]) for t in site.types.values() if counts[t.name]],
         issuers=sorted(issuers.items(), key=lambda pair: (-pair[1], pair[0])),
         topics=sorted(topics.items(), key=lambda pair: (-pair[1], pair[0])),
         years=sorted(years.items(), reverse=True), statuses=_status_counts(documents), as_of=site.as_of,
         issuers_of=issuers_of, sources=[(s, title_of_source.get(s.file, ""), carried[s.file]) for s in site.sources.values()])
    for year, listed in itertools.groupby((d for d in documents if d.sort_date), key=lambda d: d.sort_date.year):
        emit("documents_year.html", Page(urls.year_url(year), f"{year}年的文件", "documents",
                                         [("首页", urls.HOME), ("文件", urls.DOCUMENTS), (f"{year}年", None)]),
             documents=list(listed), year=year, years=sorted(years.items(), reverse=True), issuers_of=issuers_of)
    _task_pages(site, emit)
    _agency_pages(site, emit)
    pages.extend(agency_spec(site, agency) for agency in site.agencies.values())
    pages.extend(document_spec(site, doc) for doc in documents)
    return pages


FEED_ENTRIES = 50   # documents in feed.xml, the newest by publication date
LIST_PAGE = 200   # documents listed in documents.html itself; site.js brings the rest (documents-list.js)


def document_list_rows(env: Environment, site: Site, page: Page) -> list[str]:
    """Every row of the documents list, as the page's own rows are rendered (the
    _document_table.html macro), for site.js to add beyond the first page (a file of its
    own: at 2,600 documents the list's HTML was 1.2 MB)."""
    table = env.get_template("_document_table.html").make_module({"site": site, "page": page, "issuers_of": issuers_of,
                                                                      "documents": []})
    return [str(table.document_row(doc)) for doc in site.documents_sorted()]


_JOINT = re.compile(r"[、，,；;\s]+")


def issuers_of(doc: Document) -> list[str]:
    """Each issuer of a document: a joint one (宁波市发展和改革委员会、宁波市商务局) split."""
    return [name for name in _JOINT.split(doc.issuer or "") if name]


def _status_counts(documents: list[Document]) -> list[tuple[str, str, int]]:
    """(code, name, how many documents have it) of each status some document has."""
    counts = Counter(doc.status.code for doc in documents if doc.status)
    return [(code, name, counts[code]) for code, name in validity.STATUS_NAMES.items() if counts[code]]


# The published data files and their fields, as the 数据下载 page (data.html) describes them.
# data/tasks.csv and the CSV a task list downloads of the rows it shows: one row per task
TASK_CSV_HEAD = ("清单", "序号", "▲专项", "领域", "牵头市领导", "任务内容", "牵头单位", "配合单位", "指导单位", "适用范围",
                 "来源任务", "编号", "链接")


def _data_counts(site: Site) -> dict[str, int]:
    """Records in each published data file (a site without tasks or agencies has no such file)."""
    counts = {urls.DOCUMENTS_JSON: len(site.documents),
              urls.FEED: min(sum(1 for d in site.documents.values() if d.published or d.date), FEED_ENTRIES)}
    if site.collections:
        counts[urls.TASKS_JSON] = counts[urls.TASKS_CSV] = len(site.all_tasks())
    if site.agencies:
        counts[urls.AGENCIES_JSON] = len(site.agencies)
    return counts


def _shortened(text: str, limit: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def document_description(doc: Document) -> str:
    """Number, issuer and date, then the opening of the text."""
    facts = "，".join(str(f) for f in (doc.doc_number, doc.issuer, _cn_date(doc.sort_date)) if f)
    # the first paragraph of running text, past the line of recipients (各区县（市）人民政府：)
    opening = next((text for _, heading, texts in doc.sections for text, in_table in texts
                    if text and not in_table and not text.rstrip().endswith(("：", ":"))), "")
    return _shortened(f"{facts}。{opening}" if facts else opening)


def document_spec(site: Site, doc: Document) -> PageSpec:
    """A document's page (serve renders just this one after an edit of its body)."""
    gazette = site.documents.get(doc.gazette) if doc.gazette else None
    crumbs = [("首页", urls.HOME), ("文件", urls.DOCUMENTS)]
    if gazette:
        crumbs.append((gazette.title, urls.url_for(gazette)))
    crumbs.append((doc.title, None))
    return PageSpec("document.html", Page(urls.url_for(doc), doc.title, "document", crumbs, document_description(doc)),
                    dict(doc=doc, gazette=gazette, items=site.gazette_items(doc.id) if site.role(doc) == "issue" else [],
                         source=site.sources[doc.source],
                         tasks=site.collections_reading(doc.id)))


def _grouped(tasks: list[Task]) -> list[tuple[Collection | str, list[tuple[str, list[Task]]]]]:
    """Tasks grouped by collection, then by domain, in collection and number order."""
    out: dict[str, dict[str, list[Task]]] = {}
    for task in sorted(tasks, key=lambda t: (t.collection, t.number)):
        out.setdefault(task.collection, {}).setdefault(task.domain, []).append(task)
    return [(c, list(domains.items())) for c, domains in out.items()]


def task_rows(collection: Collection) -> list[tuple[int, Task | None]]:
    """(number, task) in number order, with (number, None) for rows absent from the source."""
    rows = [(t.number, t) for t in collection.tasks] + [(n, None) for n in collection.gaps]
    return sorted(rows, key=lambda r: r[0])


def _task_pages(site: Site, emit) -> None:
    if not site.collections:
        return
    crumbs = [("首页", urls.HOME)]
    for collection in site.collections.values():
        agencies = sorted({a for t in collection.tasks for a in t.lead + t.support + t.guide},
                          key=lambda a: (a.category == "group", a.category, a.name))
        scopes = sorted({t.scope for t in collection.tasks if t.scope})
        emit("tasks.html", Page(urls.url_for(collection), collection.title, "tasks",
                                crumbs + [(collection.title, None)]),
             collection=collection, agencies=agencies, scopes=scopes, rows=task_rows(collection),
             guided=any(t.guide for t in collection.tasks),
             document=site.documents[collection.document])
        domains = {domain: n for n, domain in enumerate(collection.domains(), start=1)}
        for domain, n in domains.items():
            tasks = [t for t in collection.tasks if t.domain == domain]
            emit("domain.html", Page(urls.domain_url(collection, n), domain, "domain",
                                     crumbs + [(collection.title, urls.url_for(collection)), (domain, None)]),
                 collection=collection, domain=domain, tasks=tasks, leader=tasks[0].leader)
        tasks = collection.tasks
        for i, task in enumerate(tasks):
            emit("task.html", Page(urls.url_for(task), f"{collection.title} 第{task.number}项", "task",
                                   crumbs + [(collection.title, urls.url_for(collection)), (f"第{task.number}项", None)],
                                   _shortened(task.text)),
                 task=task, collection=collection, document=site.documents[collection.document],
                 domain_url=urls.domain_url(collection, domains[task.domain]),
                 previous=tasks[i - 1] if i else None, next=tasks[i + 1] if i + 1 < len(tasks) else None,
                 later={"parents": functools.partial(_parents, task), "chain": functools.partial(lineage_chain, task)})
    for report in coverage_reports(site):
        title = report.collection.coverage.title
        emit("coverage.html", Page(urls.coverage_url(report.collection), title, "coverage", crumbs + [(title, None)]),
             report=report)


def _parents(task: Task) -> list[tuple[Task, list, list]]:
    """The tasks it derives from, each with the wording diff of its text against this one's."""
    return [(p, *wording_diff(p.text, task.text)) for p in task.derived_from]


def lineage_chain(task: Task) -> list[list[Task]]:
    """The task's sources level by level up to the first list (宁波 → 九城市 → 国家): each
    level the tasks the level below derives from (lineage has no cycles: checked on load)."""
    levels, level, seen = [], [task], {id(task)}
    while True:
        level = [p for t in level for p in t.derived_from if id(p) not in seen and not seen.add(id(p))]
        if not level:
            return levels
        levels.append(level)


def _charts(bars: list[dict], site: Site) -> list[tuple[Collection, list[dict]]]:
    """The chart's bars by collection (domain_chart gives them in the order of the collections)."""
    return [(site.collections[c], list(run)) for c, run in itertools.groupby(bars, key=lambda bar: bar["collection"])]


def _work_filters(lead: list[Task], support: list[Task], guide: list[Task], site: Site) -> dict:
    """The choices of an agency's work-list filters, each with its number of tasks: the
    roles it has, its collections (in the site's order) and its domains (most tasks first)."""
    roles = [(key, name, len(tasks)) for key, name, tasks in
             (("lead", "牵头", lead), ("support", "配合", support), ("guide", "指导", guide)) if tasks]
    every = lead + support + guide
    in_collection = Counter(t.collection for t in every)
    in_domain = Counter(t.domain for t in every)
    return {"roles": roles,
            "collections": [(c, in_collection[c.id]) for c in site.collections.values() if c.id in in_collection],
            "domains": sorted(in_domain.items(), key=lambda kv: (-kv[1], kv[0]))}


CATEGORY_PAGE = 50   # agencies of a category listed in agencies.html itself


def category_name(category: str) -> str:
    return "统称（非具体单位）" if category == "group" else category


def _agency_pages(site: Site, emit) -> None:
    if not site.agencies:
        return
    crumbs = [("首页", urls.HOME), ("单位", urls.AGENCIES)]
    categories = []
    for n, category in enumerate(AGENCY_CATEGORIES, 1):
        members = sorted((a for a in site.agencies.values() if a.category == category),
                         key=lambda a: (-(len(a.lead) + len(a.support)), a.name))
        if members:
            categories.append((category, members, urls.category_url(n)))
    # the index lists each category's busiest agencies; a page per category lists them all
    emit("agencies.html", Page(urls.AGENCIES, "单位", "agencies", [("首页", urls.HOME), ("单位", None)]),
         categories=categories, shown=CATEGORY_PAGE)
    for category, members, url in categories:
        if len(members) <= CATEGORY_PAGE:
            continue   # agencies.html lists them all
        name = category_name(category)
        emit("agency_category.html", Page(url, name, "agencies", crumbs + [(name, None)]),
             category=category, members=members)


def agency_spec(site: Site, agency: Agency) -> PageSpec:
    """An agency's page (serve renders it again after an edit of its aliases)."""
    lead, support, guide = agency_tasks(agency, site.agencies)
    crumbs = [("首页", urls.HOME), ("单位", urls.AGENCIES), (agency.name, None)]
    return PageSpec("agency.html", Page(urls.url_for(agency), agency.name, "agency", crumbs,
                                        f"{agency.full_name or agency.name}：牵头 {len(lead)} 项、配合 {len(support)} 项任务"),
                    dict(agency=agency, lead=_grouped(lead), support=_grouped(support), guide=_grouped(guide),
                         guide_count=len(guide), lead_count=len(lead), filters=_work_filters(lead, support, guide, site),
                         support_count=len(support), charts=_charts(domain_chart(lead, support, site.collections), site),
                         collections=site.collections,
                         predecessor=site.agencies.get(agency.predecessor) if agency.predecessor else None,
                         successor=site.agencies.get(agency.successor) if agency.successor else None,
                         documents=sorted(set(agency.mentioned_in), key=lambda d: d.id)))


def task_record(task: Task, site: Site) -> dict:
    """A task as listed in data/tasks.json."""
    return {"id": task.id, "collection": task.collection, "number": task.number, "domain": task.domain,
            "text": task.text, "lead": [a.id for a in task.lead], "support": [a.id for a in task.support],
            "guide": [a.id for a in task.guide], "flagged": task.flagged, "scope": task.scope, "leader": task.leader,
            "derived_from": [p.id for p in task.derived_from], "document": site.collections[task.collection].document,
            "anchor": task.anchor, "url": urls.url_for(task)}


def task_csv_row(task: Task, site: Site) -> list[str]:
    """A task's row of TASK_CSV_HEAD (agencies joined with 、; 来源任务 as their ids; 链接 the
    page's path in the site)."""
    names = lambda agencies: "、".join(a.name for a in agencies)   # noqa: E731
    return [site.collections[task.collection].title, str(task.number), "▲" if task.flagged else "", task.domain,
            task.leader or "", task.text, names(task.lead), names(task.support), names(task.guide), task.scope or "",
            " ".join(p.id for p in task.derived_from), task.id, urls.url_for(task)]


def agency_record(agency: Agency) -> dict:
    """An agency as listed in data/agencies.json."""
    return {"id": agency.id, "name": agency.name, "full_name": agency.full_name, "aliases": agency.aliases,
            "category": agency.category, "predecessor": agency.predecessor, "successor": agency.successor,
            "lead_count": len(agency.lead), "support_count": len(agency.support), "url": urls.url_for(agency)}


def document_record(doc: Document) -> dict:
    """A document as listed in data/documents.json."""
    number = doc.doc_number
    iso = lambda day: day.isoformat() if day else None   # noqa: E731
    return {
        "id": doc.id, "title": doc.title, "doc_number": str(number) if number else None,
        "doc_number_parts": ({"prefix": number.prefix, "year": number.year, "number": number.number}
                             if number else None),
        "issuer": doc.issuer, "date": iso(doc.sort_date), "written": iso(doc.date), "published": iso(doc.published),
        "type": doc.type, "topic": doc.topic, "index_number": doc.index_number, "gazette": doc.gazette,
        "effective": iso(doc.effective), "valid_until": iso(doc.valid_until),
        "status": ({"code": doc.status.code, "name": doc.status.name, "as_of": doc.status.as_of.isoformat(),
                    "repealed_by": [d.id for d in doc.status.by]} if doc.status else None),
        "relations": [{"kind": r.kind, "text": r.text, "number": str(r.number) if r.number else None,
                       "title": r.title, "document": r.target.id if r.target else None} for r in doc.relations],
        "related_by": [{"kind": kind, "document": other.id} for kind, other in doc.related_by],
        "source": f"sources/{doc.source}", "url": urls.url_for(doc),
    }
