package org.dalle.pipelines.options;

import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * The pipeline options of every dalle Beam job ({@code prepare}, {@code encode}, {@code
 * eval-features}, {@code sample --runner}), parsed by Beam's own {@code PipelineOptionsFactory}
 * ({@link PipelineArgs}): Beam's ({@code --runner}, {@code --tempLocation}, {@code --jobName}, …),
 * the Direct runner's, which every build holds, and the one dalle reads itself. The other runners'
 * options ({@code --region}, {@code --maxNumWorkers}, {@code --flinkMaster}, {@code --sparkMaster},
 * …) are read the same way when their runner is in the jar ({@link Runner}).
 *
 * <p>What a job reads and writes is its config record (a YAML file and the command's flags), not a
 * pipeline option: it is validated as a whole and saved with the job's outputs.
 */
@Description(
    "Options of every dalle Beam job: Beam's own, the Direct runner's, and the one dalle reads"
        + " itself.")
public interface DallePipelineOptions extends PipelineOptions, DirectOptions {
  /**
   * The same option as the Dataflow runner's, declared here so that dalle sees a template launch
   * whether or not the jar holds that runner.
   */
  @Description(
      "Where the Dataflow Flex Template launcher wants the job's template (the launcher sets it)."
          + " With --runner=DataflowRunner the job then only checks its inputs and writes the"
          + " template; Dataflow runs it later and the job commits its own output.")
  String getTemplateLocation();

  void setTemplateLocation(String value);
}
