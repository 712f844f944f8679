"""A believable, deterministic demo local authority: 18 IROs, about 550 children looked after, four
years of episodes, IRO allocations and reviews, under the services' own rules.

    python manage.py seed_demo [--seed 2014] [--children 550] [--iros 18] [--today YYYY-MM-DD]
                               [--reset | --if-empty] [--through-services]

The proportions follow the inner London borough's IRO annual report for 2013-14 that this service
was built from (docs/domain.md): its ethnic mix, 4 permanent and 14 sessional IROs with caseloads of
about 14 to 76 (--iros sizes the team: a larger one repeats that mix, with the same share of
permanent staff), about 1.5% of reviews late (IRO sickness, late input of looked-after status, social worker
unavailable), participation mostly PN1. Everything random comes from one `random.Random(seed)`, so
the same seed and --today give the same authority.

Children already looked after when the four years begin keep their real start date, and their
earlier reviews are recorded too: without them the review clock (which counts from the start of the
period of care) would make their first review in the window years late.

The whole history is planned in memory first, then written by one of two writers that produce the
same rows. --through-services calls child_create, episode_start, episode_end, allocation_change,
review_record and meeting_book once per change, as a user would: exact, but about 30 queries per
review, minutes for the default size. The default BulkWriter applies the same rules with the same pure
functions (periods of care, due dates, participation codes by age, the models' field and 903 checks),
inserts each table at once (the database checks its constraints), and then has the service's
review_schedule_refresh recompute every child's due dates, which must change nothing: seconds.
tests/children/test_seed_demo.py checks that both writers write identical data. The tables are
analysed afterwards (PostgreSQL's planner statistics).

For the benchmark (`manage.py bench`, demo/benchmark.py), demo/replicate.py copies the authority in
SQL to national scale.
"""
