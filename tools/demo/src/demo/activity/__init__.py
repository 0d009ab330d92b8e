"""python -m demo.activity: a few weeks of work on the demo accounts, through the services' APIs.

After the ERP demo data has become accounts and engagement has planned their cadence, this adds
what people would have done meanwhile: teams and a key account, monthly targets, visits and calls
(planned items done, unplanned contacts, next steps), satisfaction feedback, reschedules and
cancellations, and complaint tickets in every state of the queue. `plan` decides it all from what
the services hold and a seed; `run` reads the services and applies the plan over HTTP.
"""
