#!/bin/sh
# 501 women whose personer rows all give the birth date 1950-03-03: the
# day's 500 IVO-ids for women are all taken before the last one (SPEC
# 3.6), whatever their personnummer (born 1950-01-01 to 1950-01-02) say
set -e
python3 - >input/personer_generated.csv <<'PY'
def check_digit(d9):
    s = 0
    for i, c in enumerate(d9):
        v = int(c) * (2 if i % 2 == 0 else 1)
        s += v // 10 + v % 10
    return (10 - s % 10) % 10

print("person_id;fornamn;efternamn;kon;fodelsedatum")
for n in range(501):
    d9 = "5001%02d%03d" % (1 + n // 500, (n % 500) * 2)   # even: a woman
    print("19%s%d;Anna;Test %d;K;1950-03-03" % (d9, check_digit(d9), n))
PY
