// Open MPI's C API (Debian: libopenmpi-dev). Its handles (MPI_COMM_WORLD, MPI_FLOAT, MPI_SUM …)
// are macros over globals, which Swift cannot import: the functions below return them.
#define OMPI_SKIP_MPICXX 1
#include <mpi.h>

static inline MPI_Comm descent_mpi_comm_world(void) { return MPI_COMM_WORLD; }
static inline MPI_Datatype descent_mpi_float(void) { return MPI_FLOAT; }
static inline MPI_Datatype descent_mpi_double(void) { return MPI_DOUBLE; }
static inline MPI_Datatype descent_mpi_byte(void) { return MPI_BYTE; }
static inline MPI_Datatype descent_mpi_int64(void) { return MPI_INT64_T; }
static inline MPI_Op descent_mpi_sum(void) { return MPI_SUM; }
static inline MPI_Op descent_mpi_max(void) { return MPI_MAX; }
static inline MPI_Op descent_mpi_min(void) { return MPI_MIN; }
static inline void *descent_mpi_in_place(void) { return MPI_IN_PLACE; }
static inline MPI_Status *descent_mpi_status_ignore(void) { return MPI_STATUS_IGNORE; }
static inline MPI_Request descent_mpi_request_null(void) { return MPI_REQUEST_NULL; }
