"""The account of scripts/try-deployment.sh: every case the vendor simulator closed (and was told
was taken) must be in the primary with its outcome, on the replica, and at the CRM simulator.

Arguments: tally.json (fieldgate-vendor-sim --json; several, comma-separated, for the single
node's results copied into PostgreSQL and the cluster's), stored.tsv (crm_case_id, status, outcome,
reason from the primary), replica.tsv (crm_case_id, status from the replica), the CRM
simulator's /_events and /_report, the simulator's exit status. Exit 1 when anything is missing
or the simulator saw an answer it did not expect, with one exception: a result answered
"duplicate" where "accepted" was expected. That is what a kill -9 does to an answer: the instance
committed the result and died before answering; the resend (HAProxy's or the vendor's) went to
the other instance, which found it stored. The result itself must still be in the store."""

import json
import sys
from collections import Counter

# The one surprise a kill explains; any other fails the trial.
LOST_ANSWER = "expected accepted, got duplicate"


def read_tsv(path):
    rows = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            fields = line.rstrip("\n").split("\t")
            rows[fields[0]] = [None if v == "\\N" else v for v in fields[1:]]
    return rows


def simulator_surprises(tally, sim_status):
    """(answers the kill explains, anything else the simulator did not expect)"""
    explained, other = 0, list(tally["failures"])
    for vendor, v in tally["vendors"].items():
        lost_answers = v["unexpected"].get(LOST_ANSWER, 0)
        explained += lost_answers
        other += [f"{vendor}: {k} {n}" for k, n in v["unexpected"].items() if k != LOST_ANSWER]
        other += [f"{vendor}: {f}" for f in v["failures"] if "answered duplicate, expected accepted" not in f]
    if sim_status != 0 and not explained and not other:
        other.append(f"the vendor simulator exited {sim_status}")
    return explained, other


def main(tally_path, stored_path, replica_path, events_path, report_path, sim_status):
    tallies = [json.load(open(p, encoding="utf-8")) for p in tally_path.split(",")]
    tally = tallies[-1]  # the run through HAProxy, with the kill
    copied = sum(len(v["cases"]) for t in tallies[:-1] for v in t["vendors"].values())
    for earlier in tallies[:-1]:
        for vendor, v in earlier["vendors"].items():
            tally["vendors"][vendor]["cases"].update(v["cases"])
    stored = read_tsv(stored_path)
    replica = read_tsv(replica_path)
    events = json.load(open(events_path, encoding="utf-8"))
    report = json.load(open(report_path, encoding="utf-8"))

    delivered = {}
    for e in events:
        delivered.setdefault(e["subject"], set()).add(e["type_or_status"].rsplit(".", 1)[-1])

    sent = verdicts = 0
    told = Counter()
    missing_store, wrong_store, missing_replica, missing_crm = [], [], [], []
    cases = 0
    for vendor, v in tally["vendors"].items():
        sent += v["results_sent"]
        told.update(v["verdicts"])
        verdicts += sum(v["verdicts"].values())
        for case, intent in v["cases"].items():
            cases += 1
            row = stored.get(case)
            if row is None:
                missing_store.append(case)
                continue
            status, outcome, reason = row
            if (status, outcome, reason) != (intent["status"], intent["outcome"], intent["reason"]):
                wrong_store.append(f"{case}: stored {row}, sent {intent}")
            if replica.get(case, [None])[0] != status:
                missing_replica.append(case)
            if status not in delivered.get(case, set()):
                missing_crm.append(case)

    print(f"   results sent through HAProxy: {sent} in {tally['elapsed_s']:.1f} s; work orders "
          f"closed: {cases}, {copied} of them on the single node before the copy")
    print("   answers to good payloads: " + ", ".join(f"{k} {n}" for k, n in sorted(told.items())))
    print(f"   in the primary with the outcome sent: {cases - len(missing_store) - len(wrong_store)}"
          f" of {cases}; on the replica: {cases - len(missing_replica) - len(missing_store)}")
    print(f"   at the CRM simulator: {cases - len(missing_crm) - len(missing_store)} of {cases} "
          f"closings; events stored {report['stored']}, duplicates {report['duplicates']} "
          f"(same webhook-id again: at-least-once), out of order {report['out_of_order']}, "
          f"bad signatures {report['bad_signatures']}")
    problems = [("not in the database", missing_store), ("stored otherwise", wrong_store),
                ("not on the replica", missing_replica), ("not delivered to the CRM", missing_crm)]
    explained, other = simulator_surprises(tally, int(sim_status))
    print(f"   answered duplicate where accepted was expected: {explained} (answers the killed "
          "instance never sent; the resend found the results stored)")
    lost = False
    if other:
        lost = True
        print("FAILED: the vendor simulator saw answers it did not expect: " + "; ".join(other[:5]))
    for what, items in problems:
        if items:
            lost = True
            print(f"LOST: {len(items)} {what}: " + "; ".join(items[:5]))
    if report["bad_signatures"] or report["out_of_order"]:
        lost = True
        print("FAILED: the CRM saw bad signatures or events out of order")
    if not lost:
        print("OK: nothing lost")
    return 1 if lost else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:7]))
