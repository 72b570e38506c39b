//! The libical cases (`libical.rs`) that are not compared instance for
//! instance, each by its file, RRULE and DTSTART: excluded, with the feature
//! of the RRULE that SPEC's recurrences do not offer, or clamped (a month day
//! that RFC 5545 drops and SPEC runs on the month's last day). Every other
//! case must give libical's instances exactly.

/// A feature of an RRULE that SPEC's recurrences (`frequency`, `interval`,
/// `weekdays`, `monthDay`, `month`, `time`, `timezone`, `start`, `end`) do
/// not offer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Unsupported {
    /// libical itself rejects the rule (its INSTANCES are `***`).
    InvalidRule,
    /// FREQ=HOURLY/MINUTELY/SECONDLY, BYHOUR/BYMINUTE/BYSECOND.
    SubDaily,
    /// BYSETPOS.
    SetPosition,
    /// BYYEARDAY.
    YearDay,
    /// BYWEEKNO.
    WeekNumber,
    /// BYDAY on MONTHLY or YEARLY, or an ordinal BYDAY (`1FR`, `-1SU`).
    NthWeekday,
    /// BYDAY, BYMONTH or BYMONTHDAY narrowing a DAILY rule.
    DailyFilter,
    /// BYMONTH or BYMONTHDAY narrowing a WEEKLY rule, BYMONTH a MONTHLY one.
    MonthFilter,
    /// RFC 7529 SKIP=FORWARD.
    SkipForward,
    /// RFC 7529 RSCALE other than GREGORIAN.
    OtherCalendar,
    /// WKST other than MO where it changes which days share a week
    /// (INTERVAL > 1, DTSTART's day and BYDAY on both sides of it).
    WeekStart,
    /// BYMONTHDAY below -1.
    DaysBeforeMonthEnd,
    /// Seconds in DTSTART.
    Seconds,
    /// UNTIL before DTSTART's time on its date: no run at all.
    UntilBeforeStart,
}

impl Unsupported {
    /// What SPEC offers instead, or why the case is no case.
    pub(super) fn why(self) -> &'static str {
        match self {
            Unsupported::InvalidRule => "not a valid rule: libical rejects it",
            Unsupported::SubDaily => "a SPEC recurrence runs once a day at most, at one `time`",
            Unsupported::SetPosition => "SPEC has no BYSETPOS",
            Unsupported::YearDay => "SPEC has no day of the year",
            Unsupported::WeekNumber => "SPEC has no week number",
            Unsupported::NthWeekday => "SPEC has weekdays for weekly rules only, and no nth weekday",
            Unsupported::DailyFilter => "a SPEC daily rule runs every Nth day, unfiltered",
            Unsupported::MonthFilter => "SPEC's `month` is for yearly rules only",
            Unsupported::SkipForward => "SPEC moves a missing month day backward, to the month's last day",
            Unsupported::OtherCalendar => "SPEC's dates are Gregorian",
            Unsupported::WeekStart => "SPEC's weeks start on Monday",
            Unsupported::DaysBeforeMonthEnd => "SPEC's `monthDay` is 1–31 or -1",
            Unsupported::Seconds => "SPEC's `time` is hours and minutes",
            Unsupported::UntilBeforeStart => "SPEC refuses an `end` before the `start`",
        }
    }
}

/// How a case is listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Listed {
    Excluded(Unsupported),
    Clamped,
}

use Listed::{Clamped, Excluded};
use Unsupported::*;

/// `icalrecur_test.txt`: (RRULE, DTSTART, how it is listed).
const MAIN: &[(&str, &str, Listed)] = &[
    ("FREQ=YEARLY;UNTIL=20000131T140000Z;BYMONTH=1;BYDAY=SU,MO,TU,WE,TH,FR,SA", "19980101T090000", Excluded(NthWeekday)),
    ("FREQ=YEARLY;INTERVAL=3;COUNT=10;BYYEARDAY=1,100,200", "19970101T090000", Excluded(YearDay)),
    ("FREQ=YEARLY;BYDAY=20MO;COUNT=3", "19970519T090000", Excluded(NthWeekday)),
    ("FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO;COUNT=3", "19970512T090000", Excluded(WeekNumber)),
    ("FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO;WKST=SU;COUNT=3", "19970512T090000", Excluded(WeekNumber)),
    ("FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO;WKST=FR;COUNT=3", "19970512T090000", Excluded(WeekNumber)),
    ("FREQ=YEARLY;BYMONTH=3;BYDAY=TH;COUNT=11", "19970313T090000", Excluded(NthWeekday)),
    ("FREQ=YEARLY;BYDAY=TH;BYMONTH=6,7,8;COUNT=39", "19970605T090000", Excluded(NthWeekday)),
    ("FREQ=YEARLY;INTERVAL=4;BYMONTH=11;BYDAY=TU;BYMONTHDAY=2,3,4,5,6,7,8;COUNT=3", "19961105T090000", Excluded(NthWeekday)),
    ("FREQ=YEARLY;UNTIL=20100326T000000Z;BYDAY=FR;BYYEARDAY=-275,-276,-277,-278,-279,-280,-281", "20060331T020000", Excluded(YearDay)),
    ("FREQ=YEARLY;UNTIL=20140301T115959Z", "20120229T120000Z", Clamped),
    ("FREQ=MONTHLY;COUNT=10;BYDAY=1FR", "19970905T090000", Excluded(NthWeekday)),
    ("FREQ=MONTHLY;UNTIL=19971224T000000Z;BYDAY=1FR", "19970905T090000", Excluded(NthWeekday)),
    ("FREQ=MONTHLY;INTERVAL=2;COUNT=10;BYDAY=1SU,-1SU", "19970907T090000", Excluded(NthWeekday)),
    ("FREQ=MONTHLY;COUNT=6;BYDAY=-2MO", "19970922T090000", Excluded(NthWeekday)),
    ("FREQ=MONTHLY;BYMONTHDAY=-3;COUNT=6", "19970928T090000", Excluded(DaysBeforeMonthEnd)),
    ("FREQ=MONTHLY;INTERVAL=2;BYDAY=TU;COUNT=18", "19970902T090000", Excluded(NthWeekday)),
    ("FREQ=MONTHLY;BYDAY=FR;BYMONTHDAY=13;COUNT=5", "19970902T090000", Excluded(NthWeekday)),
    ("FREQ=MONTHLY;BYDAY=SA;BYMONTHDAY=7,8,9,10,11,12,13;COUNT=10", "19970913T090000", Excluded(NthWeekday)),
    ("FREQ=MONTHLY;COUNT=3;BYDAY=TU,WE,TH;BYSETPOS=3", "19970904T090000", Excluded(SetPosition)),
    ("FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-2;COUNT=7", "19970929T090000", Excluded(SetPosition)),
    ("FREQ=MONTHLY;BYMONTHDAY=15,30;COUNT=5", "20070115T090000", Clamped),
    ("FREQ=MONTHLY;COUNT=12", "20070131T090000", Clamped),
    ("FREQ=WEEKLY;INTERVAL=2;WKST=WE;BYDAY=MO,WE,FR;COUNT=10", "19970901T090000", Excluded(WeekStart)),
    ("FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=SU", "19970805T090000", Excluded(WeekStart)),
    ("FREQ=DAILY;UNTIL=20000131T140000Z;BYMONTH=1", "19980101T090000", Excluded(DailyFilter)),
    ("FREQ=DAILY;BYHOUR=9,10,11,12,13,14,15,16;BYMINUTE=0,20,40;COUNT=48", "19970902T090000", Excluded(SubDaily)),
    ("FREQ=DAILY;BYMONTHDAY=-1,-2;COUNT=5", "20241030", Excluded(DaysBeforeMonthEnd)),
    ("FREQ=HOURLY;INTERVAL=3;UNTIL=19970902T170000Z", "19970902T090000", Excluded(SubDaily)),
    ("FREQ=MINUTELY;INTERVAL=15;COUNT=6", "19970902T090000", Excluded(SubDaily)),
    ("FREQ=MINUTELY;INTERVAL=90;COUNT=4", "19970902T090000", Excluded(SubDaily)),
    ("FREQ=DAILY;UNTIL=20141206T000000Z;BYMONTH=11,12,1,2,3,4,10", "20141030T000000Z", Excluded(DailyFilter)),
    ("FREQ=YEARLY;BYWEEKNO=1,2;UNTIL=20170101T000000Z", "20130101T000000", Excluded(WeekNumber)),
    ("FREQ=YEARLY;BYYEARDAY=366;UNTIL=20200101T000000", "20121231T120000", Excluded(YearDay)),
    ("FREQ=YEARLY;BYDAY=-1FR;BYMONTH=10;UNTIL=20150101T000000Z", "20101029T120000", Excluded(NthWeekday)),
    ("FREQ=YEARLY;BYDAY=1FR;BYMONTH=4;UNTIL=20150101T000000Z", "20100402T120000", Excluded(NthWeekday)),
    ("FREQ=MONTHLY;BYMONTHDAY=31;COUNT=12", "20150131T000000Z", Clamped),
    ("FREQ=MONTHLY;BYMONTHDAY=-31;COUNT=12", "20150101T000000Z", Excluded(DaysBeforeMonthEnd)),
    ("FREQ=YEARLY;BYYEARDAY=366;COUNT=3", "20121231T120000", Excluded(YearDay)),
    ("FREQ=YEARLY;BYYEARDAY=-366;COUNT=3", "20120101T120000", Excluded(YearDay)),
    ("FREQ=HOURLY;BYHOUR=12;BYYEARDAY=-366;COUNT=3", "20120101T120000", Excluded(SubDaily)),
    ("FREQ=YEARLY;INTERVAL=2;UNTIL=20211231T140000Z;BYMONTH=2;BYDAY=WE", "20170201T090000", Excluded(NthWeekday)),
    ("FREQ=MONTHLY;UNTIL=20171229T000000Z;BYDAY=1FR", "20170901T090000", Excluded(NthWeekday)),
    ("FREQ=DAILY;UNTIL=20170131T140000Z;BYMONTH=1;INTERVAL=3", "20170101T090000", Excluded(DailyFilter)),
    ("FREQ=HOURLY;INTERVAL=3;UNTIL=20170903T170000Z", "20170902T090000", Excluded(SubDaily)),
    ("FREQ=MONTHLY;INTERVAL=13;BYMONTH=5;COUNT=3", "20100212T000000", Excluded(MonthFilter)),
    ("FREQ=YEARLY;BYWEEKNO=1,2,-1,-2;BYDAY=TU;UNTIL=20170101T000000Z", "20130101T000000", Excluded(WeekNumber)),
    ("FREQ=YEARLY;BYWEEKNO=53;BYDAY=TU,SA;UNTIL=20170101T000000Z", "20130101T000000", Excluded(WeekNumber)),
    ("FREQ=HOURLY;UNTIL=20210303T000000Z", "20210301T142000", Excluded(SubDaily)),
    ("FREQ=HOURLY;BYDAY=TH;BYHOUR=22,23;COUNT=4", "20241024T221234", Excluded(SubDaily)),
    ("FREQ=YEARLY;BYWEEKNO=6;BYDAY=TU;WKST=TH;UNTIL=20210612T000000Z", "20180213T080001", Excluded(WeekNumber)),
    ("FREQ=YEARLY;BYMONTHDAY=29;COUNT=3", "20240229", Clamped),
    ("FREQ=YEARLY;BYMONTHDAY=-29,-1;COUNT=4", "20240201", Excluded(DaysBeforeMonthEnd)),
    ("FREQ=DAILY;BYMINUTE=1,2,3,4;INTERVAL=2;COUNT=3", "20241018", Excluded(SubDaily)),
    ("FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=30;BYWEEKNO=1;UNTIL=20320101", "20241230", Excluded(InvalidRule)),
    ("FREQ=DAILY;BYMONTHDAY=20,-2;UNTIL=20250401", "20250220", Excluded(DaysBeforeMonthEnd)),
    ("FREQ=HOURLY;BYHOUR=0;BYYEARDAY=360,-2;UNTIL=20260101T000000", "20251220T000000", Excluded(SubDaily)),
    ("FREQ=SECONDLY;BYHOUR=1,2;BYMINUTE=3,4,59;BYSECOND=5,6;UNTIL=20250216T020500", "20250216T015905", Excluded(SubDaily)),
    ("FREQ=SECONDLY;BYSECOND=5,4;COUNT=5", "20240229T140104", Excluded(SubDaily)),
    ("FREQ=SECONDLY;BYSECOND=4,5;COUNT=5", "20240229T140105", Excluded(SubDaily)),
    ("FREQ=SECONDLY;BYSECOND=7,4,6,5;COUNT=5", "20240229T140106", Excluded(SubDaily)),
    ("FREQ=YEARLY;BYYEARDAY=3,2;COUNT=4", "20240102", Excluded(YearDay)),
    ("FREQ=YEARLY;BYYEARDAY=3,2;COUNT=4", "20240103", Excluded(YearDay)),
    ("FREQ=YEARLY;BYYEARDAY=1,2,3,4,5,6,7;BYSETPOS=3,2;COUNT=4", "20240102", Excluded(SetPosition)),
    ("FREQ=YEARLY;BYYEARDAY=1,2,3,4,5,6,7;BYSETPOS=3,2;COUNT=4", "20240103", Excluded(SetPosition)),
    ("FREQ=YEARLY;BYWEEKNO=1,2;UNTIL=20170101T000000Z", "20130108T000000", Excluded(WeekNumber)),
    ("FREQ=YEARLY;BYWEEKNO=1,2;WKST=FR;UNTIL=20170101T000000Z", "20130108T000000", Excluded(WeekNumber)),
    ("FREQ=YEARLY;BYWEEKNO=1,2;UNTIL=20170101T000000Z", "20130107T000000", Excluded(WeekNumber)),
    ("FREQ=YEARLY;BYWEEKNO=1,2;WKST=TU;UNTIL=20170101T000000Z", "20130107T000000", Excluded(WeekNumber)),
    ("FREQ=YEARLY;BYWEEKNO=1,2;WKST=WE;UNTIL=20170101T000000Z", "20130107T000000", Excluded(WeekNumber)),
    ("FREQ=YEARLY;BYWEEKNO=1,2;WKST=TH;UNTIL=20170101T000000Z", "20130107T000000", Excluded(WeekNumber)),
    ("FREQ=YEARLY;BYWEEKNO=1,2;UNTIL=20170101T000000Z", "20140111T000000", Excluded(WeekNumber)),
    ("FREQ=YEARLY;BYWEEKNO=1,2;WKST=TU;UNTIL=20180101T000000Z", "20140111T000000", Excluded(WeekNumber)),
    ("FREQ=YEARLY;BYWEEKNO=1,2;WKST=SU;UNTIL=20180101T000000Z", "20140111T000000", Excluded(WeekNumber)),
    ("FREQ=YEARLY;BYWEEKNO=-1,-2;COUNT=2", "20131224T000000", Excluded(WeekNumber)),
    ("FREQ=WEEKLY;BYDAY=MO,TU,SU,SA,TH;BYSETPOS=3,2;COUNT=4", "20240102T120000", Excluded(SetPosition)),
    ("FREQ=YEARLY;BYMONTH=1,2,3,4,5,6,7,8,9,10,11,12;BYMONTHDAY=29;BYSETPOS=3,2;COUNT=4", "20240229T120000", Excluded(SetPosition)),
    ("FREQ=YEARLY;BYMONTH=1,2,3;BYMONTHDAY=29;BYSETPOS=3,2;COUNT=4", "20240229T120000", Excluded(SetPosition)),
    ("FREQ=MONTHLY;BYMINUTE=12,39;BYHOUR=8,14,15;BYDAY=1MO,1TU,2SA,3MO;BYSETPOS=1,-5,3,-21,4,-8;COUNT=15", "20240101T081200", Excluded(SubDaily)),
    ("FREQ=MONTHLY;BYMINUTE=12,39;BYHOUR=8,14,15;BYDAY=1MO,1TU,2SA,3MO;BYSETPOS=1,-5,3,-21,4,-8;COUNT=15", "20240102T143900", Excluded(SubDaily)),
    ("FREQ=HOURLY;BYMINUTE=0,10,20,30,40,50;BYSETPOS=-2,3;INTERVAL=2;COUNT=5", "20241023T154000", Excluded(SubDaily)),
    ("FREQ=MINUTELY;BYSECOND=0,10,20,30,40,50;BYSETPOS=-2,3;INTERVAL=2;COUNT=5", "20241023T001540", Excluded(SubDaily)),
    ("FREQ=HOURLY;BYHOUR=15,17,19;BYMINUTE=0,10,20,30,40,50;BYSETPOS=-2,3;INTERVAL=2;COUNT=5", "20241023T154000", Excluded(SubDaily)),
    ("FREQ=MINUTELY;BYMINUTE=15,17,19;BYSECOND=0,10,20,30,40,50;BYSETPOS=-2,3;INTERVAL=2;COUNT=5", "20241023T001540", Excluded(SubDaily)),
    ("FREQ=DAILY;BYMINUTE=0,10,20,30,40,50;BYSETPOS=-2,3;INTERVAL=5;COUNT=5", "20241023T154000", Excluded(SubDaily)),
    ("FREQ=DAILY;BYMONTHDAY=23,28,2;BYMINUTE=0,10,20,30,40,50;BYSETPOS=-2,3;INTERVAL=5;COUNT=5", "20241023T154000", Excluded(SubDaily)),
    ("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=1,3;COUNT=3", "20241023", Excluded(SetPosition)),
    ("FREQ=HOURLY;BYHOUR=15,17,19;BYMINUTE=0,10,20,30,40,50;BYSETPOS=5,-4;INTERVAL=2;COUNT=5", "20241023T154000", Excluded(SubDaily)),
    ("FREQ=MONTHLY;BYMONTHDAY=1,2,3,4,5,6,7,8,9,10;BYSETPOS=1,2,-1,-2;COUNT=6", "20250810", Excluded(SetPosition)),
    ("FREQ=MONTHLY;BYMONTHDAY=1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17;BYHOUR=1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16;BYMINUTE=1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16;BYSECOND=1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16;BYSETPOS=1,-1;COUNT=4", "20250101T010101", Excluded(SubDaily)),
    ("FREQ=SECONDLY;BYSECOND=5,4,4;COUNT=5", "20240229T140104", Excluded(SubDaily)),
    ("FREQ=DAILY;BYHOUR=9,10,11,12,13,14,15,16,9;BYMINUTE=0,20,40,0;COUNT=2", "19970902T090000", Excluded(SubDaily)),
    ("FREQ=YEARLY;BYWEEKNO=53;COUNT=1", "20230101T000000Z", Excluded(WeekNumber)),
    ("FREQ=YEARLY;BYWEEKNO=53;COUNT=1", "20270103T000000Z", Excluded(WeekNumber)),
    ("FREQ=YEARLY;BYWEEKNO=53;BYDAY=TH;COUNT=1", "20270103T000000Z", Excluded(WeekNumber)),
    ("FREQ=YEARLY;BYWEEKNO=53;BYDAY=TU,SA;UNTIL=20170101T000000Z", "20160102T000000", Excluded(WeekNumber)),
    ("FREQ=YEARLY;BYWEEKNO=53;INTERVAL=6;BYDAY=TH;COUNT=1", "20270103T000000Z", Excluded(WeekNumber)),
    ("FREQ=YEARLY;BYWEEKNO=53;INTERVAL=5;BYDAY=TH;COUNT=1", "20270103T000000Z", Excluded(WeekNumber)),
    ("FREQ=SECONDLY;BYSECOND=5,25;INTERVAL=61;COUNT=2", "20250101T051005", Excluded(SubDaily)),
    ("FREQ=MINUTELY;BYMINUTE=5,25;INTERVAL=61;COUNT=6", "20250101T050500", Excluded(SubDaily)),
    ("FREQ=HOURLY;BYHOUR=3,6;BYMINUTE=5,15,25;INTERVAL=7;COUNT=6", "20250101T030500", Excluded(SubDaily)),
    ("FREQ=HOURLY;BYHOUR=3,6;BYMINUTE=5,15,25;INTERVAL=7;BYSETPOS=1,-1;COUNT=4", "20250101T030500", Excluded(SubDaily)),
    ("FREQ=HOURLY;BYHOUR=3,6;INTERVAL=7;COUNT=2", "20250101T030500", Excluded(SubDaily)),
    ("FREQ=DAILY;BYMONTHDAY=1,20;INTERVAL=7;COUNT=2", "20250101T030500", Excluded(DailyFilter)),
    ("FREQ=YEARLY;BYWEEKNO=-1,-2;COUNT=5", "20270102", Excluded(WeekNumber)),
    ("FREQ=YEARLY;BYWEEKNO=53;BYDAY=TU,SA;INTERVAL=6;UNTIL=20170101T000000Z", "20100102T000000", Excluded(WeekNumber)),
    ("FREQ=YEARLY;BYWEEKNO=53;BYDAY=TU,SA;INTERVAL=5;UNTIL=20170101T000000Z", "20100102T000000", Excluded(WeekNumber)),
    ("FREQ=YEARLY;BYWEEKNO=53;BYDAY=TU,SA;INTERVAL=7;UNTIL=20170101T000000Z", "20100102T000000", Excluded(WeekNumber)),
    ("FREQ=YEARLY;BYWEEKNO=1;BYDAY=MO,TU;INTERVAL=3;UNTIL=20320101", "20241231", Excluded(WeekNumber)),
];

/// `icalrecur_test_rscale.txt`, likewise.
const RSCALE: &[(&str, &str, Listed)] = &[
    ("RSCALE=RUSSIAN;FREQ=YEARLY", "20131025", Excluded(InvalidRule)),
    ("RSCALE=GREGORIAN;FREQ=YEARLY;COUNT=4", "20120229", Clamped),
    ("RSCALE=GREGORIAN;FREQ=MONTHLY;SKIP=FORWARD;COUNT=4", "20140131", Excluded(SkipForward)),
    ("RSCALE=GREGORIAN;FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=28,29;SKIP=FORWARD;COUNT=5", "20150201", Excluded(SkipForward)),
    ("RSCALE=GREGORIAN;FREQ=MONTHLY;INTERVAL=3;SKIP=FORWARD;COUNT=4", "20140131", Excluded(SkipForward)),
    ("RSCALE=GREGORIAN;FREQ=MONTHLY;BYMONTHDAY=31;COUNT=12;SKIP=FORWARD", "20150131T000000Z", Excluded(SkipForward)),
    ("RSCALE=GREGORIAN;FREQ=MONTHLY;BYMONTHDAY=-31;COUNT=12;SKIP=FORWARD", "20150101T000000Z", Excluded(SkipForward)),
    (
        "RSCALE=GREGORIAN;FREQ=MONTHLY;BYMONTHDAY=-31;COUNT=12;SKIP=BACKWARD",
        "20150101T000000Z",
        Excluded(DaysBeforeMonthEnd),
    ),
    ("RSCALE=GREGORIAN;FREQ=YEARLY;BYYEARDAY=366;SKIP=FORWARD;COUNT=9", "20121231T120000", Excluded(YearDay)),
    ("RSCALE=GREGORIAN;FREQ=YEARLY;BYYEARDAY=366;SKIP=BACKWARD;COUNT=9", "20121231T120000", Excluded(YearDay)),
    ("RSCALE=GREGORIAN;FREQ=YEARLY;BYYEARDAY=-366;SKIP=FORWARD;COUNT=9", "20120101T120000", Excluded(YearDay)),
    ("RSCALE=GREGORIAN;FREQ=YEARLY;BYYEARDAY=-366;SKIP=BACKWARD;COUNT=9", "20120101T120000", Excluded(YearDay)),
];

/// The list of `file`.
pub(super) fn entries(file: &str) -> &'static [(&'static str, &'static str, Listed)] {
    match file {
        "icalrecur_test.txt" => MAIN,
        "icalrecur_test_rscale.txt" => RSCALE,
        other => panic!("no list of cases for {other}"),
    }
}

/// How the case of `file` with this RRULE and DTSTART is listed, if it is.
pub(super) fn listed(file: &str, rrule: &str, dtstart: &str) -> Option<Listed> {
    entries(file).iter().find(|(r, d, _)| *r == rrule && *d == dtstart).map(|(_, _, l)| *l)
}
