"""The bench's floors (bench/floor.py): each answers as the kind of Intake request it
stands for does, and the targets table shows each floor beside the figure it bounds."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from bench import floor
from bench.drive import Result
from bench.report import (
    FLOOR_READ,
    FLOOR_ROWS,
    FLOOR_SELECT,
    FLOOR_WRITE,
    HEALTH,
    HELLO,
    QUEUE,
    TARGET_CONNECTIONS,
    TIPS,
    TIPS_CONNECTIONS,
    SizeRun,
    TipCheck,
    targets,
)


def test_each_floor_answers_as_its_kind_of_request(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'floor.sqlite'}"
    floor.prepare(url)
    client = floor.make_app(url).test_client()

    assert client.get("/select-1").get_json() == {"status": "ok", "database": "ok"}
    assert "เรื่องที่ 1" in client.get("/read").text
    assert client.get("/rows").text.count("<tr>") == floor.ROWS
    answer = client.post("/write", data={"subject": "ก", "details": "ข"})
    assert answer.status_code == 303
    with sa.create_engine(url).connect() as connection:
        assert connection.scalar(sa.select(sa.func.count()).select_from(floor.writes)) == 1


def _result(label: str, connections: int, rps: float, p50_ms: float) -> Result:
    return Result(
        label=label,
        connections=connections,
        seconds=10.0,
        requests=int(rps * 10),
        expected=int(rps * 10),
        unexpected=0,
        socket_errors=0,
        non_2xx_3xx=0,
        first_unexpected=0,
        p50_ms=p50_ms,
        p90_ms=p50_ms * 2,
        p99_ms=p50_ms * 3,
        max_ms=p50_ms * 4,
        app_cpu_ms=1.0,
        db_cpu_ms=0.2,
    )


def test_the_targets_table_shows_each_floor_beside_the_figure_it_bounds() -> None:
    c, t = TARGET_CONNECTIONS, TIPS_CONNECTIONS
    run = SizeRun("postgresql", 1_000_000)
    run.hello[c] = _result(HELLO, c, 4000, 4)
    run.results = {
        (label, conns): _result(label, conns, rps, p50)
        for label, conns, rps, p50 in (
            (FLOOR_SELECT, c, 1800, 11),
            (FLOOR_READ, c, 1500, 14),
            (FLOOR_ROWS, c, 1100, 19),
            (FLOOR_WRITE, t, 1000, 64),
            (HEALTH, c, 1400, 11),
            (QUEUE, c, 27, 599),
            (TIPS, t, 57, 777),
        )
    }
    run.tips = [TipCheck(t, 570, 570, 10.0)]
    run.floor_memory_mb = {1: 58.0}
    table = "\n".join(targets([run]))

    assert f"{FLOOR_SELECT}: 0.45×" in table.split(HEALTH)[1].splitlines()[0]
    assert f"{FLOOR_WRITE}: 1,000/s" in table.split("POST /tips/new ≥")[1].splitlines()[0]
    assert f"{FLOOR_ROWS}: p50 19.0 ms" in table.split(f"{QUEUE} p50")[1].splitlines()[0]
    assert "floors' workers: 58.0 MB" in table
