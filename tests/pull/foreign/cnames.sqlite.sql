-- Tables whose natural names would take names of the C library: a model Tm (struct tm),
-- Timer (timer_delete), Size with a column max (SIZE_MAX), a column linux (macros);
-- a column errno, which only <errno.h> takes (a warning); and plurals in -zes.
CREATE TABLE tms (id INTEGER PRIMARY KEY, at INTEGER);
CREATE TABLE timers (id INTEGER PRIMARY KEY, due INTEGER NOT NULL);
CREATE TABLE sizes (id INTEGER PRIMARY KEY, max INTEGER, label TEXT);
CREATE TABLE hosts (id INTEGER PRIMARY KEY, name TEXT NOT NULL, linux INTEGER, errno INTEGER);
CREATE TABLE quizzes (id INTEGER PRIMARY KEY, size_id INTEGER REFERENCES sizes (id));
