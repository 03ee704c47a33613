/* Many-to-many through a join model (get, add, remove from both sides), its belongs_to
   accessors, and a has_one. */
#include "through.h"
#include "tap.h"
#include "common.h"

static mg_db *db;

static struct student enroll_student(const char *name)
{
    struct student s;
    student_init(&s);
    s.name = name;
    if (student_insert(db, &s) != MG_OK)
        printf("# cannot insert %s: %s\n", name, mg_errmsg(db));
    return s;
}

static struct course open_course(const char *title)
{
    struct course c;
    course_init(&c);
    c.title = title;
    if (course_insert(db, &c) != MG_OK)
        printf("# cannot insert %s: %s\n", title, mg_errmsg(db));
    return c;
}

int main(void)
{
    struct student s1, s2, got_s;
    struct course c1, c2, c3, unsaved;
    struct course_array courses;
    struct student_array students;
    struct enrollment_array enrollments;
    struct locker l, got_l;

    db = open_db(":memory:", through_migrate);
    ok(db != NULL, "open and migrate");
    if (!db)
        return done_testing();
    s1 = enroll_student("Sam");
    s2 = enroll_student("Kim");
    c1 = open_course("Algebra");
    c2 = open_course("Biology");
    c3 = open_course("Chemistry");

    is_int(student_add_courses(db, &s1, &c3), MG_OK, "add_courses");
    is_int(student_add_courses(db, &s1, &c1), MG_OK, "add_courses again");
    is_int(course_add_students(db, &c1, &s2), MG_OK, "add from the other side");
    is_int(student_get_courses(db, &s1, &courses), MG_OK, "get_courses");
    ok(courses.count == 2 && courses.items[0].id == c1.id && courses.items[1].id == c3.id,
       "two courses, ordered by id");
    ok(courses.count == 2 && strcmp(courses.items[1].title, "Chemistry") == 0, "with their text");
    course_array_free(&courses);
    is_int(course_get_students(db, &c1, &students), MG_OK, "get_students");
    ok(students.count == 2 && students.items[0].id == s1.id && students.items[1].id == s2.id,
       "both students");
    student_array_free(&students);
    is_int(course_get_students(db, &c2, &students), MG_OK, "get_students: none");
    ok(students.count == 0 && students.items == NULL, "an empty array");

    course_init(&unsaved);
    is_int(student_add_courses(db, &s1, &unsaved), MG_MISUSE, "add a row never inserted");
    unsaved.id = 9999;
    is_int(student_add_courses(db, &s1, &unsaved), MG_CONSTRAINT, "add a row not in the table");
    is_int(student_add_courses(db, &s1, &c1), MG_CONSTRAINT, "add twice: unique (student, course)");
    is_int(student_remove_courses(db, &s1, &c1), MG_OK, "remove_courses");
    is_int(student_remove_courses(db, &s1, &c1), MG_NOTFOUND, "remove again: MG_NOTFOUND");
    is_int(course_remove_students(db, &c2, &s1), MG_NOTFOUND, "remove a link never made");

    is_int(enrollment_all_with_student(db, &enrollments, &students), MG_OK, "all_with_student");
    ok(enrollments.count == 2 && students.count == 2, "the two remaining enrollments");
    student_array_free(&students);
    enrollment_array_free(&enrollments);

    is_int(course_delete(db, c3.id), MG_OK, "delete a course");
    is_int(student_get_courses(db, &s1, &courses), MG_OK, "get_courses");
    is_int(courses.count, 0, "the enrollment went with the course (cascade)");
    course_array_free(&courses);

    locker_init(&l);
    l.number = 17;
    l.owner_id = s1.id;
    l.has_owner_id = true;
    is_int(locker_insert(db, &l), MG_OK, "insert a locker");
    is_int(student_get_locker(db, &s1, &got_l), MG_OK, "get_locker (has_one)");
    is_int(got_l.number, 17, "the locker");
    locker_free(&got_l);
    is_int(student_get_locker(db, &s2, &got_l), MG_NOTFOUND, "get_locker: MG_NOTFOUND");
    is_int(locker_get_by_number(db, 17, &got_l), MG_OK, "get_by_number (an int key)");
    is_int(got_l.id, l.id, "the locker");
    locker_free(&got_l);
    is_int(locker_get_owner(db, &l, &got_s), MG_OK, "get_owner");
    is_str(got_s.name, "Sam", "the owner");
    student_free(&got_s);
    is_int(busy_statements(db), 0, "every statement was reset");
    mg_close(db);
    return done_testing();
}
