"""Kidsmeet mode: a running order of pupils' talks, the presenter's timer, picking the
next presenter at random, and the break's recorded presentations (see
:mod:`studio.kidsmeet.meet`)."""
