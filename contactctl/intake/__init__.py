"""Intake: a file's rows become contacts, in the order a row goes.

`pipeline` wires the stages: the readers (contactctl/readers) hand raw rows; `headers`,
`mapping` and `sampling` say which column feeds which field; `normalize` (with
`phone_choice`, `phones`, `phone_rules`, `countries`) makes a Contact or a failed row;
`dedupe` drops in-file repeats; `parallel` and `wire` spread large inputs over every core;
`unread` remembers where reading stopped.
"""
