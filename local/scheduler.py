"""Fire the template's schedules at their (warped) times, as EventBridge Scheduler and rules would."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from local.log import log_line
from local.moto_patches import WarpClock
from local.provision import ScheduleSpec
from local.schedule_expr import ScheduleExpression
from local.workers import Workers


class Scheduler:
    """One thread that sleeps until the next firing (in warped time) and delivers it to the target."""

    def __init__(
        self,
        schedules: list[ScheduleSpec],
        workers: Workers,
        clock: WarpClock,
        client: Callable[[str], Any],
        account_id: str,
        region: str,
    ) -> None:
        self.schedules = {s.name: s for s in schedules}
        self.workers = workers
        self.clock = clock
        self.client = client
        self.account_id = account_id
        self.region = region
        self._expressions = {s.name: ScheduleExpression.parse(s.expression, s.timezone) for s in schedules}
        self._started = clock.now()
        self._next: dict[str, datetime | None] = {}
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self.holding = False  # while a clock jump delivers the firings it passes, this thread leaves them be
        self._thread = threading.Thread(target=self._run, name="scheduler", daemon=True)

    def start(self) -> None:
        now = self.clock.now()
        for name, spec in self.schedules.items():
            self._next[name] = self._expressions[name].next_after(now, self._started) if spec.enabled else None
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def upcoming(self) -> list[tuple[str, datetime | None]]:
        return sorted(self._next.items(), key=lambda item: (item[1] is None, item[1] or datetime.max))

    def next_due(self, before: datetime) -> datetime | None:
        """The earliest firing at or before `before`, if any."""
        with self._lock:
            pending = [at for at in self._next.values() if at is not None and at <= before]
        return min(pending, default=None)

    def deliver_due(self) -> list[str]:
        """Deliver every firing due now, one after the other, before returning (a clock jump stops here)."""
        return [self.fire(name, scheduled) for name, scheduled in self._take_due()]

    def _take_due(self) -> list[tuple[str, datetime]]:
        now = self.clock.now()
        taken = []
        with self._lock:
            for name, at in sorted(self._next.items(), key=lambda item: item[1] or datetime.max.replace(tzinfo=UTC)):
                if at is not None and at <= now:
                    self._next[name] = self._expressions[name].next_after(at, self._started)
                    taken.append((name, at))
        return taken

    def _run(self) -> None:
        while not self._stop.is_set():
            for name, scheduled in [] if self.holding else self._take_due():
                self.workers.activity.begin("schedule")  # a firing is work from now, not once its thread runs
                threading.Thread(target=self._fire_counted, args=(name, scheduled), daemon=True).start()
            with self._lock:
                pending = [at for at in self._next.values() if at is not None]
            wait = 1.0
            if pending:
                seconds = (min(pending) - self.clock.now()).total_seconds()
                wait = max(0.01, min(wait, self.clock.real_seconds(seconds)))
            self._stop.wait(wait)

    def _fire_counted(self, name: str, scheduled: datetime) -> None:
        try:
            self.fire(name, scheduled)
        finally:
            self.workers.activity.end("schedule")

    def fire(self, name: str, scheduled: datetime | None = None) -> str:
        """Deliver one firing now (the `fire` command, or the timer); returns a one-line outcome."""
        spec = self.schedules.get(name) or next((s for s in self.schedules.values() if s.name.endswith(name)), None)
        if spec is None:
            raise KeyError(f"no schedule {name}; known: {', '.join(sorted(self.schedules))}")
        at = scheduled or self.clock.now()
        execution_id = str(uuid.uuid4())
        outcome = "not delivered"
        for attempt in range(1, spec.retry_attempts + 2):
            payload = self._payload(spec, at, execution_id, attempt)
            try:
                outcome = self._deliver(spec, payload)
                break
            except DeliveryFailed as err:
                outcome = f"failed: {err}"
        else:
            if spec.dead_letter_arn:
                self._dead_letter(spec, outcome)
        log_line(f"⏰ {spec.name} at {at.isoformat(timespec='seconds')} -> {outcome}")
        return outcome

    def _payload(self, spec: ScheduleSpec, at: datetime, execution_id: str, attempt: int) -> Any:
        scheduled = at.strftime("%Y-%m-%dT%H:%M:%SZ")
        if spec.kind == "events" and spec.input is None:
            return {
                "version": "0",
                "id": execution_id,
                "detail-type": "Scheduled Event",
                "source": "aws.events",
                "account": self.account_id,
                "time": scheduled,
                "region": self.region,
                "resources": [spec.arn],
                "detail": {},
            }
        text = spec.input or "{}"
        for key, value in {
            "<aws.scheduler.scheduled-time>": scheduled,
            "<aws.scheduler.execution-id>": execution_id,
            "<aws.scheduler.attempt-number>": str(attempt),
            "<aws.scheduler.schedule-arn>": spec.arn,
        }.items():
            text = text.replace(key, value)
        return json.loads(text)

    def _deliver(self, spec: ScheduleSpec, payload: Any) -> str:
        arn = spec.target_arn
        service = arn.split(":")[2] if arn.startswith("arn:") else "lambda"
        if service == "lambda":
            outcome = self.workers.invoke(arn, payload, "schedule", spec.name)
            if not outcome.ok:
                raise DeliveryFailed(str(outcome.error_type))
            return "invoked"
        if service == "states":
            execution = self.client("stepfunctions").start_execution(stateMachineArn=arn, input=json.dumps(payload))
            return f"started {execution['executionArn'].rsplit(':', 1)[-1]}"
        if service == "sqs":
            name = arn.rsplit(":", 1)[-1]
            sqs = self.client("sqs")
            sqs.send_message(QueueUrl=sqs.get_queue_url(QueueName=name)["QueueUrl"], MessageBody=json.dumps(payload))
            return "queued"
        if service == "sns":
            self.client("sns").publish(TopicArn=arn, Message=json.dumps(payload))
            return "published"
        raise DeliveryFailed(f"targets of {service} are not supported locally")

    def _dead_letter(self, spec: ScheduleSpec, reason: str) -> None:
        assert spec.dead_letter_arn is not None
        sqs = self.client("sqs")
        url = sqs.get_queue_url(QueueName=spec.dead_letter_arn.rsplit(":", 1)[-1])["QueueUrl"]
        sqs.send_message(QueueUrl=url, MessageBody=json.dumps({"schedule": spec.name, "error": reason}))


class DeliveryFailed(Exception):
    """The target refused or failed the firing; Scheduler retries, then dead-letters."""
